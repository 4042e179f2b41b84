import { createTransport } from 'nodemailer';
import type { MailTransport, OutgoingMail } from './mail-transport';

type Transporter = ReturnType<typeof createTransport>;

/**
 * SMTP through nodemailer (SMTP_URL: `smtp://` with STARTTLS when offered, `smtps://` for implicit TLS). One
 * connection per mail (no pool): the worker sends a few at a time and a pooled connection would outlive a restart
 * of the server. Timeouts keep every attempt well inside the claim lease.
 */
export class SmtpTransport implements MailTransport {
  readonly kind = 'smtp';
  private readonly transporter: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transporter = createTransport({
      url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      dnsTimeout: timeoutMs,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdOf(mail.id, this.from),
    });
  }

  close(): void {
    this.transporter.close();
  }
}

/** `<outbox id@sender domain>`: the same for every attempt of one mail, so a receiver can drop a duplicate. */
export function messageIdOf(id: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${id}@${domain}>`;
}
