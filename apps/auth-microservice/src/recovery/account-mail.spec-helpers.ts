import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import type { AuthConfig } from '../config/auth-config';
import type { Database } from '../database/database.types';
import { DevMailbox } from '../mail/dev-mailbox.transport';
import { MailDeliveryWorker } from '../mail/mail-delivery.worker';
import { MailMetrics } from '../mail/mail.metrics';
import { MailTemplates } from '../mail/mail-templates';
import { Outbox } from '../mail/outbox.service';
import { OutboxRepository } from '../mail/outbox.repository';
import { OutboxStatus } from '../mail/outbox-status';
import { AccountMail } from './account-mail.service';
import { AccountTokensRepository } from './account-tokens.repository';

/** The real mail stack on `db`, delivering into a development mailbox in a fresh temp directory (not started). */
export function createMailStack(db: Kysely<Database>, config: AuthConfig, registry = new Registry()) {
  const rows = new OutboxRepository(db, 'sqlite');
  const mailbox = new DevMailbox(mkdtempSync(join(tmpdir(), 'auth-mail-spec-')), config.mail.from);
  const worker = new MailDeliveryWorker(rows, mailbox, new MailMetrics(registry), new OutboxStatus(), config);
  const outbox = new Outbox(rows, new MailTemplates(), worker, config);
  const tokens = new AccountTokensRepository(db);
  return { rows, mailbox, worker, outbox, tokens, mail: new AccountMail(outbox, tokens, config) };
}
