import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import type { MailTransport, OutgoingMail } from './mail-transport';
import { messageIdOf } from './smtp.transport';

/** The links a development mail carries (printed so a developer can click them without opening the file). */
const LINK = /https?:\/\/\S+/g;

/**
 * The development mailbox, used when SMTP_URL is unset (never in production): each mail is written as an `.eml` file
 * in MAIL_DIR, named by its outbox id (a retry overwrites it), and its links are logged. Printing a link is the one
 * place a verification or reset token may appear in a log line: it exists so `npm start` needs no mail server, and it
 * is never done when mail goes through SMTP.
 */
export class DevMailbox implements MailTransport {
  readonly kind = 'mailbox';
  private readonly logger = new Logger('DevMailbox');
  private readonly composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  readonly directory: string;

  constructor(
    directory: string,
    private readonly from: string,
  ) {
    this.directory = resolve(directory);
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info = await this.composer.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdOf(mail.id, this.from),
    });
    const message = info.message;
    if (!Buffer.isBuffer(message)) throw new Error('nodemailer did not compose a buffer');
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const file = join(this.directory, `${mail.id}.eml`);
    // Written whole, then renamed: a reader never sees half a mail.
    await writeFile(`${file}.tmp`, message, { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    const links = mail.text.match(LINK) ?? [];
    this.logger.log(
      `Mail "${mail.subject}" to ${mail.to} written to ${file}${links.length ? `; link: ${links.join(' ')}` : ''}`,
    );
  }

  close(): void {
    this.composer.close();
  }
}
