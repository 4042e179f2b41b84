import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { RevocationsQueryDto, RevokedSession } from '@nestjs-microservices/shared';
import { AuthClient } from '../auth/auth.client';
import { backgroundMeta } from '../common/background-meta';
import { GatewayConfig } from '../config/gateway-config';
import { RevocationMetrics } from '../metrics/revocation.metrics';
import { RevocationList } from './revocation-list';

/**
 * How far back each poll reaches before the previous answer's `serverTime`: a revocation whose transaction
 * committed late, or that another auth instance stamped with a slightly different clock, is still picked up.
 */
export const REVOCATION_SYNC_OVERLAP_MS = 5_000;

/**
 * Keeps the revocation list in step with the auth service: a full list first, then every
 * REVOCATION_SYNC_INTERVAL what changed since the last answer (with an overlap). One poll at a time;
 * while the auth service cannot be reached the list stays as it is, and readiness reports the sync stale.
 * Over NATS it also subscribes to the auth service's revocation events, applied the moment they arrive;
 * the poll stays, for what was published while this gateway was disconnected.
 */
@Injectable()
export class RevocationSyncService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RevocationSyncService.name);
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastServerTimeMs: number | undefined;
  private lastSuccessMs: number | undefined;
  private failing = false;
  private events: 'not yet' | 'subscribed' | 'not broadcast' = 'not yet';

  constructor(
    private readonly auth: AuthClient,
    private readonly list: RevocationList,
    private readonly metrics: RevocationMetrics,
    config: GatewayConfig,
  ) {
    this.intervalMs = config.revocationSync.intervalMs;
  }

  /** When (ms since the epoch, this gateway's clock) the last poll succeeded; undefined before the first. */
  get lastSuccessAt(): number | undefined {
    return this.lastSuccessMs;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sync();
    this.timer ??= setInterval(() => void this.sync(), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Polls once, or joins the poll under way. Never rejects. */
  sync(): Promise<void> {
    this.inFlight ??= this.poll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Subscribes to revocation events once the transport can (retried at each poll until it could). */
  private async subscribeToEvents(): Promise<void> {
    if (this.events !== 'not yet') return;
    try {
      const subscribed = await this.auth.onSessionsRevoked((event) => this.applyEvent(event));
      this.events = subscribed ? 'subscribed' : 'not broadcast';
      if (subscribed) this.logger.log('Receiving revocation events from the broker');
    } catch {
      // The broker is unreachable: the poll reports the outage; the next poll tries again.
    }
  }

  private applyEvent(event: unknown): void {
    const revoked = (event as { revoked?: unknown } | null | undefined)?.revoked;
    if (!Array.isArray(revoked) || !revoked.every((entry) => typeof entry === 'object' && entry !== null)) {
      this.logger.warn('Ignored a revocation event without a list of revoked sessions');
      return;
    }
    this.list.add(revoked as RevokedSession[]);
    this.metrics.eventReceived();
  }

  private async poll(): Promise<void> {
    await this.subscribeToEvents();
    const query: RevocationsQueryDto =
      this.lastServerTimeMs === undefined
        ? {}
        : { since: new Date(this.lastServerTimeMs - REVOCATION_SYNC_OVERLAP_MS).toISOString() };
    try {
      const answer = await this.auth.revocations(query, backgroundMeta('revocations'));
      const serverTimeMs = Date.parse(answer.serverTime);
      if (Number.isNaN(serverTimeMs) || !Array.isArray(answer.revoked)) {
        throw new Error('auth.revocations answered without serverTime or revoked');
      }
      this.list.add(answer.revoked);
      this.list.prune();
      this.lastServerTimeMs = serverTimeMs;
      this.lastSuccessMs = Date.now();
      this.metrics.syncSucceeded(this.lastSuccessMs);
      if (this.failing) this.logger.log(`Revocation sync recovered (${this.list.size} revoked sessions)`);
      this.failing = false;
    } catch (error) {
      this.metrics.syncFailed();
      // Once per outage: AuthClient already logs each failed call.
      if (!this.failing) {
        this.logger.warn(
          `Revocation sync failed; keeping the ${this.list.size} revoked sessions known (${errorMessage(error)})`,
        );
      }
      this.failing = true;
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
