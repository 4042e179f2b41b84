import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';

/** The revocation list this gateway checks every access token against, and how its sync with the auth service goes. */
@Injectable()
export class RevocationMetrics {
  private readonly listSize: Gauge;
  private readonly failures: Counter;
  private readonly lastSuccess: Gauge;
  private readonly pushed: Counter;

  constructor(registry: Registry) {
    this.listSize = new Gauge({
      name: 'revocation_list_sessions',
      help: 'Revoked sessions on the gateway revocation list (whose access tokens may still be unexpired)',
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'revocation_sync_failures_total',
      help: 'Polls of auth.revocations that failed (the gateway keeps the list it has)',
      registers: [registry],
    });
    this.lastSuccess = new Gauge({
      name: 'revocation_sync_last_success_timestamp_seconds',
      help: 'When the revocation list was last synced with the auth service (Unix time)',
      registers: [registry],
    });
    this.pushed = new Counter({
      name: 'revocation_events_received_total',
      help: 'Revocation events received from the broker (TRANSPORT=nats), applied before the next poll',
      registers: [registry],
    });
  }

  eventReceived(): void {
    this.pushed.inc();
  }

  listSizeIs(size: number): void {
    this.listSize.set(size);
  }

  syncSucceeded(atMs: number): void {
    this.lastSuccess.set(atMs / 1_000);
  }

  syncFailed(): void {
    this.failures.inc();
  }
}
