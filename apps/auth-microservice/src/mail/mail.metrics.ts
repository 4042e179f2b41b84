import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';

export const SEND_OUTCOMES = ['sent', 'retry', 'failed'] as const;
export type SendOutcome = (typeof SEND_OUTCOMES)[number];

/**
 * `auth_mail_sends_total{outcome}` (sent; retry: failed, tried again later; failed: given up), and the outbox as the
 * worker last saw it: `auth_mail_outbox_depth` and `auth_mail_outbox_oldest_age_seconds`.
 */
@Injectable()
export class MailMetrics {
  private readonly sends: Counter<'outcome'>;
  private readonly depth: Gauge;
  private readonly oldestAge: Gauge;

  constructor(registry: Registry) {
    this.sends = new Counter({
      name: 'auth_mail_sends_total',
      help: 'Mail delivery attempts, by outcome (sent, retry, failed)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.depth = new Gauge({
      name: 'auth_mail_outbox_depth',
      help: 'Mails and reset requests in the outbox not yet sent (as of the last poll)',
      registers: [registry],
    });
    this.oldestAge = new Gauge({
      name: 'auth_mail_outbox_oldest_age_seconds',
      help: 'Age of the oldest unsent mail in the outbox, 0 when none (as of the last poll)',
      registers: [registry],
    });
    for (const outcome of SEND_OUTCOMES) this.sends.inc({ outcome }, 0);
  }

  countSend(outcome: SendOutcome): void {
    this.sends.inc({ outcome });
  }

  observeOutbox(depth: number, oldestAgeMs: number): void {
    this.depth.set(depth);
    this.oldestAge.set(oldestAgeMs / 1_000);
  }
}
