import { Module } from '@nestjs/common';
import { AuthConfig } from '../config/auth-config';
import { DevMailbox } from './dev-mailbox.transport';
import { MailDeliveryWorker } from './mail-delivery.worker';
import { MailMetrics } from './mail.metrics';
import { MailTemplates } from './mail-templates';
import type { MailTransport } from './mail-transport';
import { MAIL_TRANSPORT } from './mail.tokens';
import { Outbox } from './outbox.service';
import { OutboxRepository } from './outbox.repository';
import { SmtpTransport } from './smtp.transport';

/** Longest an SMTP attempt may take: well inside the claim lease, so no other instance takes the mail meanwhile. */
const sendTimeoutMs = (leaseMs: number): number => Math.min(30_000, Math.floor(leaseMs / 3));

/** The mail outbox, its delivery worker and the transport (SMTP_URL, or the development mailbox). */
@Module({
  providers: [
    OutboxRepository,
    MailMetrics,
    MailDeliveryWorker,
    Outbox,
    { provide: MailTemplates, useFactory: () => new MailTemplates() },
    {
      provide: MAIL_TRANSPORT,
      inject: [AuthConfig],
      useFactory: ({ mail }: AuthConfig): MailTransport =>
        mail.smtpUrl === undefined
          ? new DevMailbox(mail.dir, mail.from)
          : new SmtpTransport(mail.smtpUrl, mail.from, sendTimeoutMs(mail.claimLeaseMs)),
    },
  ],
  exports: [Outbox, MailDeliveryWorker],
})
export class MailModule {}
