import { Injectable } from '@nestjs/common';
import { uuidv7 } from 'uuidv7';
import { AuthConfig } from '../config/auth-config';
import type { Tx } from '../database/unit-of-work';
import { KeyEncryption } from '../signing-keys/key-encryption';
import { bodyAad } from './mail-body';
import { MailDeliveryWorker } from './mail-delivery.worker';
import { type MailTemplate, MailTemplates } from './mail-templates';
import { OutboxRepository } from './outbox.repository';

/**
 * Writes mail into the outbox, inside the caller's transaction (the change and its mail commit together), and wakes
 * this instance's delivery worker once it has committed. A body may carry a single-use link: with
 * SIGNING_KEY_ENCRYPTION_SECRET set it is stored encrypted (AES-256-GCM), and it is erased once sent either way.
 */
@Injectable()
export class Outbox {
  private readonly sealer: KeyEncryption;

  constructor(
    private readonly rows: OutboxRepository,
    private readonly templates: MailTemplates,
    private readonly worker: MailDeliveryWorker,
    config: AuthConfig,
  ) {
    this.sealer = new KeyEncryption(config.signingKeys.encryptionSecret);
  }

  async mail(trx: Tx, template: MailTemplate, to: string, values: Record<string, string>): Promise<void> {
    const rendered = this.templates.render(template, values);
    const id = uuidv7();
    await this.rows.insert(trx, {
      id,
      kind: template,
      recipient: to,
      subject: rendered.subject,
      textBody: this.sealer.seal(bodyAad(id, 'text'), rendered.text),
      htmlBody: this.sealer.seal(bodyAad(id, 'html'), rendered.html),
      createdAt: new Date(),
    });
  }

  /** Work for the worker to do later (see `MailDeliveryWorker.registerJob`), as durable as a mail. */
  async job(trx: Tx, kind: `${string}.request`, payload: unknown): Promise<void> {
    await this.rows.insert(trx, { id: uuidv7(), kind, payload: JSON.stringify(payload), createdAt: new Date() });
  }

  /** After the transaction committed: deliver now rather than at the next poll. */
  wake(): void {
    this.worker.wake();
  }
}
