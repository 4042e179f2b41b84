import { randomBytes } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { getFreePort } from './ports';
import { pollUntil } from './util';

/** A mail as the test SMTP server received and parsed it. */
export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  receivedAt: number;
}

const HOST = '127.0.0.1';

/**
 * A real SMTP server (npm `smtp-server`) on a free loopback port, with a user and password, that parses every mail
 * it accepts (`mailparser`) and keeps it. It can be stopped (connections refused) and started again on the same
 * port, so an auth service configured with `url` finds it again.
 */
export class TestSmtpServer {
  readonly mails: ReceivedMail[] = [];
  private readonly taken = new Set<ReceivedMail>();
  private server: SMTPServer | undefined;
  private readonly user = 'mailer';
  private readonly password = randomBytes(12).toString('hex');

  private constructor(readonly port: number) {}

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(await getFreePort(HOST));
    await smtp.listen();
    return smtp;
  }

  /** SMTP_URL for the auth service: plain SMTP with credentials (no TLS on loopback). */
  get url(): string {
    return `smtp://${this.user}:${this.password}@${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async listen(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer({
      secure: false,
      hideSTARTTLS: true,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.user && auth.password === this.password) callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData: (stream, session, callback) => {
        const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
        simpleParser(stream, (error, parsed) => {
          if (error) {
            callback(error);
            return;
          }
          this.mails.push(toReceived(parsed, recipients));
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** Stops listening; a sender gets "connection refused" until `listen()` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  mailsTo(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address.toLowerCase()));
  }

  /** Waits until `count` mails to `address` (matching `subject`, when given) have arrived; answers them in order. */
  async waitForMails(
    address: string,
    count: number,
    { subject, timeoutMs = 15_000 }: { subject?: RegExp; timeoutMs?: number } = {},
  ): Promise<ReceivedMail[]> {
    return pollUntil(
      () => {
        const found = this.mailsTo(address).filter((mail) => subject === undefined || subject.test(mail.subject));
        return Promise.resolve(found.length >= count ? found : undefined);
      },
      {
        timeoutMs,
        intervalMs: 50,
        description: `${count} mail(s) to ${address}${subject ? ` matching ${subject}` : ''}`,
      },
    );
  }

  /**
   * The oldest mail to `address` matching `subject` that no earlier call took (waiting for it if need be): each mail
   * is handed out once, whether it arrived before or after the call.
   */
  async nextMail(address: string, subject: RegExp, timeoutMs = 15_000): Promise<ReceivedMail> {
    return pollUntil(
      () => {
        const mail = this.mailsTo(address).find(
          (candidate) => subject.test(candidate.subject) && !this.taken.has(candidate),
        );
        if (mail) this.taken.add(mail);
        return Promise.resolve(mail);
      },
      { timeoutMs, intervalMs: 50, description: `a new mail to ${address} matching ${subject}` },
    );
  }
}

/** The `token=` query parameter of the first link in the text part. */
export function tokenOf(mail: ReceivedMail): string {
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text);
  if (!match?.[1]) throw new Error(`mail "${mail.subject}" has no token= link in its text part:\n${mail.text}`);
  return match[1];
}

function toReceived(parsed: ParsedMail, to: string[]): ReceivedMail {
  return {
    to,
    from: addressText(parsed.from),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    messageId: parsed.messageId ?? '',
    receivedAt: Date.now(),
  };
}

function addressText(value: AddressObject | AddressObject[] | undefined): string {
  if (value === undefined) return '';
  return (Array.isArray(value) ? value : [value]).map((address) => address.text).join(', ');
}
