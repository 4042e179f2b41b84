import { Injectable } from '@nestjs/common';
import type { RevokedSession } from '@nestjs-microservices/shared';
import { GatewayConfig } from '../config/gateway-config';
import { RevocationMetrics } from '../metrics/revocation.metrics';

/**
 * The sessions that ended while access tokens for them may still be unexpired: session id → the time (ms)
 * after which none can be valid. Filled by the sync with the auth service and by this gateway's own
 * logouts; entries are forgotten once that time has passed.
 */
@Injectable()
export class RevocationList {
  private readonly untilBySession = new Map<string, number>();
  /**
   * The verifier accepts a token up to the clock tolerance after its `exp`, so an entry must outlive its `until`
   * by as much, or a revoked session's last token would pass again in that window.
   */
  private readonly graceMs: number;

  constructor(
    config: GatewayConfig,
    private readonly metrics: RevocationMetrics,
  ) {
    this.graceMs = config.tokens.clockToleranceSeconds * 1_000;
  }

  get size(): number {
    return this.untilBySession.size;
  }

  isRevoked(sessionId: string): boolean {
    const until = this.untilBySession.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.untilBySession.delete(sessionId);
    this.metrics.listSizeIs(this.size);
    return false;
  }

  /** Merges revoked sessions in: an entry already known keeps the later of its two times. */
  add(revoked: readonly RevokedSession[]): void {
    const now = Date.now();
    for (const entry of revoked) {
      const until = Date.parse(entry.until) + this.graceMs;
      if (typeof entry.sessionId !== 'string' || Number.isNaN(until) || until <= now) continue;
      const known = this.untilBySession.get(entry.sessionId);
      if (known === undefined || until > known) this.untilBySession.set(entry.sessionId, until);
    }
    this.metrics.listSizeIs(this.size);
  }

  /** Forgets the entries whose time has passed; answers how many. */
  prune(): number {
    const now = Date.now();
    let removed = 0;
    for (const [sessionId, until] of this.untilBySession) {
      if (until <= now) {
        this.untilBySession.delete(sessionId);
        removed += 1;
      }
    }
    this.metrics.listSizeIs(this.size);
    return removed;
  }
}
