import { Injectable, Logger } from '@nestjs/common';
import type { EndedSessionsResponse } from '@nestjs-microservices/shared';

export type RevocationSink = (ended: EndedSessionsResponse) => void;

/**
 * Tells every gateway at once that sessions ended, where the transport can broadcast (NATS: an event on
 * `AUTH_EVENTS.sessionsRevoked`). Without a sink (TCP) it does nothing: gateways learn it from `auth.revocations`,
 * which they poll anyway — also the safety net for an event a gateway missed while disconnected.
 */
@Injectable()
export class RevocationBroadcast {
  private readonly logger = new Logger(RevocationBroadcast.name);
  private sink: RevocationSink | undefined;

  attach(sink: RevocationSink): void {
    this.sink = sink;
  }

  /** Only for sessions whose end is committed. Never throws: the poll still carries it. */
  announce(ended: EndedSessionsResponse): void {
    if (!this.sink || ended.revoked.length === 0) return;
    try {
      this.sink(ended);
    } catch (error) {
      this.logger.warn(`Could not broadcast ${ended.revoked.length} revocation(s): ${String(error)}`);
    }
  }
}
