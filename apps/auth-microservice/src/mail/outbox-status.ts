import { Injectable } from '@nestjs/common';

export type OutboxHealth = 'ok' | 'stuck' | 'off';

/** What readiness says of the mail outbox. */
export interface OutboxReport {
  status: OutboxHealth;
  /** Mails (and reset requests) not yet sent. */
  depth: number;
  /** Age of the oldest of them, in seconds (0: none). */
  oldestPendingSeconds: number;
}

/**
 * The outbox as the delivery worker last saw it, for `GET /health/ready` on the metrics port. A stuck outbox (its
 * oldest unsent mail older than MAIL_STUCK_AFTER) is reported there as `mail.status: "stuck"` while the instance
 * stays ready: logins and refreshes do not need mail, and taking every instance out of rotation because the SMTP
 * server is down would turn a mail outage into a full one. Alert on it (or on `auth_mail_outbox_oldest_age_seconds`).
 */
@Injectable()
export class OutboxStatus {
  private report: OutboxReport = { status: 'off', depth: 0, oldestPendingSeconds: 0 };

  update(depth: number, oldestPendingMs: number, stuckAfterMs: number): void {
    this.report = {
      status: depth > 0 && oldestPendingMs > stuckAfterMs ? 'stuck' : 'ok',
      depth,
      oldestPendingSeconds: Math.round(oldestPendingMs / 1_000),
    };
  }

  get current(): OutboxReport {
    return this.report;
  }
}
