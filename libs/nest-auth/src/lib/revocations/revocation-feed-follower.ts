import { Logger } from '@nestjs/common';
import type { RevocationFeedResponse } from '../contract/revocation-feed';
import { OutageReport } from '../polling/outage-report';
import { RevokedSessions } from './revoked-sessions';

export interface RevocationFeedFollowerOptions {
  url: string;
  token: string;
  intervalMs: number;
  /** The longest an access token lives: a session revoked now has no valid token after this. */
  tokenLifetimeMs: number;
  /** The verifier's clock tolerance: entries are kept that much longer. */
  clockToleranceMs: number;
  timeoutMs: number;
  /** Fetches `url` with the bearer token; given in tests. */
  fetchJson: (url: string, timeoutMs: number, token: string) => Promise<unknown>;
}

export interface RevocationFeedStatus {
  /** When the last poll succeeded (ms since the epoch); undefined before the first. */
  lastSuccessAt: number | undefined;
  /** True when no poll has succeeded for five intervals (at least 5 s): revoked tokens might pass. */
  stale: boolean;
  revokedSessions: number;
}

/**
 * Follows the gateway's revocation feed: everything revoked at the first poll, then every `intervalMs` what was
 * revoked since the last cursor. The feed lists session ids only; any token of a session revoked now is expired
 * once a token lifetime has passed, so each entry is kept that long from when it arrived (plus the tolerance). While
 * the feed cannot be reached the list stays as it is, and the status turns stale.
 */
export class RevocationFeedFollower {
  private readonly logger = new Logger('RevocationFeed');
  private readonly list: RevokedSessions;
  private readonly staleAfterMs: number;
  private cursor: string | undefined;
  private lastSuccessMs: number | undefined;
  private readonly outage = new OutageReport(this.logger);
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: RevocationFeedFollowerOptions) {
    this.list = new RevokedSessions(options.clockToleranceMs);
    this.staleAfterMs = Math.max(5 * options.intervalMs, 5_000);
  }

  isRevoked(sessionId: string): boolean {
    return this.list.isRevoked(sessionId);
  }

  status(): RevocationFeedStatus {
    const { lastSuccessMs } = this;
    return {
      lastSuccessAt: lastSuccessMs,
      stale: lastSuccessMs === undefined || Date.now() - lastSuccessMs > this.staleAfterMs,
      revokedSessions: this.list.size,
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.poll();
    this.timer ??= setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Polls once, or joins the poll under way. Never rejects. */
  poll(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchOnce(): Promise<void> {
    const url = new URL(this.options.url);
    if (this.cursor !== undefined) url.searchParams.set('since', this.cursor);
    try {
      const answer = checked(await this.options.fetchJson(url.href, this.options.timeoutMs, this.options.token));
      const untilMs = Date.now() + this.options.tokenLifetimeMs;
      this.list.revoke(answer.sessionIds.map((sessionId) => ({ sessionId, untilMs })));
      this.list.prune();
      this.cursor = answer.cursor;
      this.lastSuccessMs = Date.now();
      this.outage.succeeded(() => `Revocation feed reachable again (${this.list.size} revoked sessions)`);
    } catch (error) {
      this.outage.failed(
        () =>
          `Revocation feed unreachable; keeping the ${this.list.size} revoked sessions known (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}

function checked(answer: unknown): RevocationFeedResponse {
  const { cursor, sessionIds } = (answer ?? {}) as Partial<RevocationFeedResponse>;
  if (typeof cursor !== 'string' || !Array.isArray(sessionIds) || !sessionIds.every((id) => typeof id === 'string')) {
    throw new Error('the revocation feed answered without a cursor and a list of session ids');
  }
  return { cursor, sessionIds };
}
