/** The `MailTransport` in use: SMTP (SMTP_URL) or the development mailbox. */
export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');
