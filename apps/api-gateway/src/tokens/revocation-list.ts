import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RevokedSessions, type RevocationFeedResponse } from '@nestjs-microservices/nest-auth';
import type { RevokedSession } from '@nestjs-microservices/shared';
import { GatewayConfig } from '../config/gateway-config';
import { RevocationMetrics } from '../metrics/revocation.metrics';

/** `<epoch>.<sequence>`: the epoch tells this process's cursors from another's (or a previous run's). */
const CURSOR = /^([0-9a-f]{16})\.(\d{1,15})$/;

/**
 * The sessions that ended while access tokens for them may still be unexpired (the package's list), filled by the
 * sync with the auth service and by this gateway's own logouts. It also serves the revocation feed: each session
 * added (or kept longer) gets the next sequence number, and a cursor names the last one a follower has seen.
 */
@Injectable()
export class RevocationList extends RevokedSessions {
  private readonly epoch = randomBytes(8).toString('hex');
  private sequence = 0;
  private readonly sequenceBySession = new Map<string, number>();

  constructor(config: GatewayConfig, metrics: RevocationMetrics) {
    super(config.tokens.clockToleranceSeconds * 1_000, (size) => metrics.listSizeIs(size));
  }

  /** Merges revoked sessions in: an entry already known keeps the later of its two times. */
  add(revoked: readonly RevokedSession[]): void {
    const changed = this.revoke(
      revoked.map((entry) => ({ sessionId: entry.sessionId, untilMs: Date.parse(entry.until) })),
    );
    for (const sessionId of changed) this.sequenceBySession.set(sessionId, ++this.sequence);
  }

  /**
   * The sessions revoked after `cursor`; every revoked session when there is none, or when it is not one of this
   * process's (another gateway's, a previous run's, garbage): a follower then merges the whole list again.
   */
  changesSince(cursor: string | undefined): RevocationFeedResponse {
    const match = cursor === undefined ? null : CURSOR.exec(cursor);
    const since = match && match[1] === this.epoch && Number(match[2]) <= this.sequence ? Number(match[2]) : 0;
    const now = Date.now();
    const live = new Set<string>();
    const sessionIds: string[] = [];
    for (const [sessionId, until] of this.entries()) {
      if (until <= now) continue;
      live.add(sessionId);
      if ((this.sequenceBySession.get(sessionId) ?? 0) > since || since === 0) sessionIds.push(sessionId);
    }
    for (const sessionId of this.sequenceBySession.keys()) {
      if (!live.has(sessionId)) this.sequenceBySession.delete(sessionId);
    }
    return { cursor: `${this.epoch}.${this.sequence}`, sessionIds };
  }
}
