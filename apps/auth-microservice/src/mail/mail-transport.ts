/** One mail ready to go out. */
export interface OutgoingMail {
  /** The outbox row id: also the Message-ID's local part, so a retried mail is recognisably the same one. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Where mail goes: an SMTP server, or the development mailbox. */
export interface MailTransport {
  readonly kind: 'smtp' | 'mailbox';
  /** Resolves once the mail is accepted; rejects otherwise (see `isPermanentFailure`). */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * A failure that retrying cannot fix: the server refused the mail for good (SMTP 5xx, e.g. an unknown mailbox).
 * Anything else (connection refused, timeout, 4xx) is worth another attempt.
 */
export function isPermanentFailure(error: unknown): boolean {
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}

/** What an outbox row records of a failure: short, one line, no credentials. */
export function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  const message = error instanceof Error ? error.message : String(error);
  const parts = [
    typeof code === 'string' ? code : undefined,
    typeof responseCode === 'number' ? responseCode : undefined,
  ];
  const prefix = parts.filter((part) => part !== undefined).join(' ');
  return `${prefix ? `${prefix}: ` : ''}${message}`
    .replace(/\/\/[^@\s/]*@/g, '//***@')
    .replace(/\s+/g, ' ')
    .slice(0, 300);
}
