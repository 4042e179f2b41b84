import { Injectable, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Interval } from '@nestjs/schedule';
import { ERROR_CODES, ERROR_MESSAGES, rpcError } from '@nestjs-microservices/shared';
import { AuditLog } from '../audit/audit-log.service';
import { AuthConfig } from '../config/auth-config';
import { UnitOfWork } from '../database/unit-of-work';
import { usernameKey } from '../users/username-key';
import { LoginFailuresRepository } from './login-failures.repository';
import { clientKey } from './client-key';
import { decide, type ThrottleSettings } from './login-throttle.policy';

const WINDOW_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A client that logged in on an account within this time is a known client of it (exempt from the account cap). */
export const KNOWN_CLIENT_TTL_MS = 30 * DAY_MS;
/** A known client's last login is recorded again only once it is this old: no extra write on most logins. */
const KNOWN_CLIENT_REFRESH_MS = DAY_MS;

/** A login attempt the throttle let through, already counted as a failure until `succeeded` says otherwise. */
export interface LoginAttempt {
  /** A correct password from this client: its guesses so far (this one included) stop counting against it. */
  succeeded(): Promise<void>;
}

/**
 * Per-account brute-force protection (see `decide`). Each attempt is reserved, i.e. recorded as a failure, before
 * its password is checked, in a transaction serialised per account: however many arrive at once, on however many
 * instances, no more are checked than the policy allows. Clients are keyed by `clientKey` (IPv4 address, IPv6 /64).
 * Unknown usernames are throttled exactly like existing ones, so the throttle reveals nothing about which accounts
 * exist. The counters live in the database: a restart does not reset them, and several instances share them.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger('LoginThrottle');
  private readonly settings: ThrottleSettings;

  constructor(
    private readonly failures: LoginFailuresRepository,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
    config: AuthConfig,
  ) {
    this.settings = { ...config.loginThrottle, windowMs: WINDOW_MS };
  }

  /**
   * Starts a login attempt: throws TOO_MANY_ATTEMPTS when this client must wait before its password is
   * checked again; otherwise counts the attempt as a failure and returns how to take that back on success.
   */
  async begin(username: string, clientIp: string | undefined): Promise<LoginAttempt> {
    const key = usernameKey(username);
    const client = clientKey(clientIp);
    const now = new Date();
    const knownSince = now.getTime() - KNOWN_CLIENT_TTL_MS;
    // Read, decide and reserve in one transaction serialised per account: concurrent attempts (on any instance)
    // see each other's reservations.
    const { decision, state } = await this.uow.run(async (trx) => {
      await this.failures.lockAccount(trx, key);
      const state = await this.failures.state(trx, key, client, { failuresSince: since(now) });
      const knownClient = (state.lastSuccessAt?.getTime() ?? 0) > knownSince;
      const decision = decide({ ...state, knownClient }, now, this.settings);
      if (decision.allowed) await this.failures.recordFailure(trx, key, client, now);
      return { decision, state };
    });
    if (!decision.allowed) {
      const retryAfterSeconds = Math.ceil(decision.retryAfterMs / 1000);
      await this.audit.record('login.throttled', { clientIp, retryAfterSeconds });
      throw new RpcException({
        ...rpcError(ERROR_CODES.TOO_MANY_ATTEMPTS, ERROR_MESSAGES.TOO_MANY_ATTEMPTS),
        retryAfterSeconds,
      });
    }
    const recordedRecently = (state.lastSuccessAt?.getTime() ?? 0) > now.getTime() - KNOWN_CLIENT_REFRESH_MS;
    return { succeeded: () => this.succeeded(key, client, recordedRecently ? undefined : new Date()) };
  }

  /** After a password reset: the account's failures, from every client, stop counting. */
  async resetAccount(username: string): Promise<void> {
    await this.failures.clearAccount(usernameKey(username));
  }

  /** Clears the client's failures and, when `known` is given, records it as a known client of the account then. */
  private async succeeded(key: string, client: string, known: Date | undefined): Promise<void> {
    if (!known) return this.failures.clearFailures(key, client);
    await this.uow.run(async (trx) => {
      await this.failures.clearFailures(key, client, trx);
      await this.failures.recordKnownClient(trx, key, client, known);
    });
  }

  @Interval(WINDOW_MS / 6)
  private async prune(): Promise<void> {
    try {
      const now = new Date();
      await this.failures.pruneBefore(since(now), new Date(now.getTime() - KNOWN_CLIENT_TTL_MS));
    } catch (error) {
      this.logger.warn(`Could not prune old login failures: ${String(error)}`);
    }
  }
}

const since = (now: Date): Date => new Date(now.getTime() - WINDOW_MS);
