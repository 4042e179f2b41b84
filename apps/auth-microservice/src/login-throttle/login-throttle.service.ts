import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_CODES, ERROR_MESSAGES, rpcError } from '@nestjs-microservices/shared';
import { AuditLog } from '../audit/audit-log.service';
import { AuthConfig } from '../config/auth-config';
import { usernameKey } from '../users/username-key';
import { LoginFailuresRepository } from './login-failures.repository';
import { decide, type ThrottleSettings } from './login-throttle.policy';

const WINDOW_MS = 60 * 60 * 1000;

/** A login the throttle let through: record how the password check ended. */
export interface LoginAttempt {
  failed(): Promise<void>;
  /** A correct password from this client: its guesses so far stop counting against it. */
  succeeded(): Promise<void>;
}
/** A client the gateway could not name is one client: it never escapes its own counter. */
const UNKNOWN_CLIENT = 'unknown';

/**
 * Per-account brute-force protection (see `decide`). Unknown usernames are throttled exactly like
 * existing ones, so the throttle reveals nothing about which accounts exist. The counters live in
 * the database: a restart does not reset them, and several instances share them.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LoginThrottle');
  private readonly settings: ThrottleSettings;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly failures: LoginFailuresRepository,
    private readonly audit: AuditLog,
    config: AuthConfig,
  ) {
    this.settings = { ...config.loginThrottle, windowMs: WINDOW_MS };
  }

  onModuleInit(): void {
    this.pruneTimer = setInterval(() => void this.prune(), WINDOW_MS / 6);
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /**
   * Starts a login attempt: throws TOO_MANY_ATTEMPTS when this client must wait before its password is
   * checked again; otherwise returns what to record once the password has been checked.
   */
  async begin(username: string, clientIp: string | undefined): Promise<LoginAttempt> {
    const key = usernameKey(username);
    const client = clientIp ?? UNKNOWN_CLIENT;
    const now = new Date();
    const stats = await this.failures.stats(key, client, since(now));
    const decision = decide(stats, now, this.settings);
    if (!decision.allowed) {
      const retryAfterSeconds = Math.ceil(decision.retryAfterMs / 1000);
      this.audit.record('login.throttled', { clientIp, retryAfterSeconds });
      throw new RpcException({
        ...rpcError(ERROR_CODES.TOO_MANY_ATTEMPTS, ERROR_MESSAGES.TOO_MANY_ATTEMPTS),
        retryAfterSeconds,
      });
    }
    return {
      failed: () => this.failures.record(key, client, new Date()),
      // A client without failures has nothing to clear: no write on the common path of a login.
      succeeded: () => (stats.clientFailures > 0 ? this.failures.clearClient(key, client) : Promise.resolve()),
    };
  }

  private async prune(): Promise<void> {
    try {
      await this.failures.pruneBefore(since(new Date()));
    } catch (error) {
      this.logger.warn(`Could not prune old login failures: ${String(error)}`);
    }
  }
}

const since = (now: Date): Date => new Date(now.getTime() - WINDOW_MS);
