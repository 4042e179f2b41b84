import { duration, flag, integer } from '@nestjs-microservices/runtime';
import { z } from 'zod';

const smtpUrl = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value))
  .refine((value) => value === undefined || /^smtps?:\/\/[^/]+/.test(value), {
    message: 'must be "smtp://user:password@host:port" or "smtps://…"',
  });

const appUrl = z
  .string()
  .trim()
  .default('http://localhost:3000')
  .refine((value) => /^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(value), {
    message: 'must be an http(s) URL without query or fragment, e.g. https://app.example.com',
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** The mail and account-recovery settings of the auth service (joined into its env schema). */
export const mailEnvShape = {
  MAIL_ENABLED: flag(true).describe(
    '`false`: no mail at all; the email, verification and reset routes answer 501 MAIL_DISABLED',
  ),
  SMTP_URL: smtpUrl.describe(
    'smtp:// or smtps:// with credentials; unset = the development mailbox (.eml files in MAIL_DIR; not in production)',
  ),
  MAIL_FROM: z
    .string()
    .trim()
    .min(3)
    .max(320)
    .default('Account service <no-reply@localhost>')
    .describe('the From header of every mail'),
  APP_URL: appUrl.describe('the web app whose pages open the links (/verify-email?token=…, /reset-password?token=…)'),
  MAIL_DIR: z
    .string()
    .trim()
    .min(1)
    .default('./data/mail')
    .describe('where the development mailbox writes its .eml files (only when SMTP_URL is unset)'),
  EMAIL_VERIFICATION_TTL: duration('24h', '1m', '30d').describe('how long a verification link works'),
  PASSWORD_RESET_TTL: duration('10m', '1m', '24h').describe(
    'how long a password reset link works; a newer request replaces it at once',
  ),
  PASSWORD_RESET_MAX_PER_HOUR: integer(5, 1, 1_000).describe(
    'reset mails one account can receive per hour (more requests are answered alike but send nothing)',
  ),
  EMAIL_VERIFICATION_MAX_PER_HOUR: integer(5, 1, 1_000).describe(
    'verification mails one account can ask for per hour (POST /api/auth/email/verify/resend and address changes)',
  ),
  MAIL_POLL_INTERVAL: duration('2s', '50ms', '5m').describe(
    'how often each instance looks for mail to send (a change on this instance wakes it at once anyway)',
  ),
  MAIL_RETRY_BASE_DELAY: duration('5s', '10ms', '1h').describe(
    'first retry delay after a failed send; it doubles per attempt up to MAIL_RETRY_MAX_DELAY',
  ),
  MAIL_RETRY_MAX_DELAY: duration('10m', '10ms', '1d').describe('the longest retry delay'),
  MAIL_MAX_ATTEMPTS: integer(50, 1, 10_000).describe(
    'attempts before a mail is given up as failed (counted in auth_mail_sends_total{outcome="failed"})',
  ),
  MAIL_CLAIM_LEASE: duration('2m', '5s', '1h').describe(
    'how long an instance owns the mails it claimed; past it another instance may send them (crash recovery)',
  ),
  MAIL_STUCK_AFTER: duration('10m', '1s', '7d').describe(
    'readiness reports the mail outbox as stuck when its oldest unsent mail is older than this',
  ),
  DELETED_USERNAME_HOLD: duration('30d', '0s', '3650d').describe(
    "a deleted account's username stays taken this long (its sessions' tokens are refused meanwhile)",
  ),
} as const;

export interface MailEnv {
  NODE_ENV: string;
  MAIL_ENABLED: boolean;
  SMTP_URL?: string;
  MAIL_FROM: string;
  APP_URL: string;
  MAIL_DIR: string;
  EMAIL_VERIFICATION_TTL: number;
  PASSWORD_RESET_TTL: number;
  PASSWORD_RESET_MAX_PER_HOUR: number;
  EMAIL_VERIFICATION_MAX_PER_HOUR: number;
  MAIL_POLL_INTERVAL: number;
  MAIL_RETRY_BASE_DELAY: number;
  MAIL_RETRY_MAX_DELAY: number;
  MAIL_MAX_ATTEMPTS: number;
  MAIL_CLAIM_LEASE: number;
  MAIL_STUCK_AFTER: number;
  DELETED_USERNAME_HOLD: number;
}

export interface MailSettings {
  enabled: boolean;
  /** SMTP through nodemailer; undefined = the development mailbox in `dir`. */
  smtpUrl?: string;
  from: string;
  appUrl: string;
  dir: string;
  verificationTtlMs: number;
  resetTtlMs: number;
  resetMaxPerHour: number;
  verificationMaxPerHour: number;
  pollIntervalMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxAttempts: number;
  claimLeaseMs: number;
  stuckAfterMs: number;
  deletedUsernameHoldMs: number;
}

/** The production rule: mail must really go out, or be switched off on purpose. */
export function mailEnvIssue(env: Pick<MailEnv, 'NODE_ENV' | 'MAIL_ENABLED' | 'SMTP_URL'>): string | undefined {
  if (env.NODE_ENV === 'production' && env.MAIL_ENABLED && !env.SMTP_URL) {
    return 'is required in production (the development mailbox only writes files); or set MAIL_ENABLED=false';
  }
  return undefined;
}

export function readMailSettings(env: MailEnv): MailSettings {
  return {
    enabled: env.MAIL_ENABLED,
    ...(env.SMTP_URL !== undefined && { smtpUrl: env.SMTP_URL }),
    from: env.MAIL_FROM,
    appUrl: env.APP_URL,
    dir: env.MAIL_DIR,
    verificationTtlMs: env.EMAIL_VERIFICATION_TTL,
    resetTtlMs: env.PASSWORD_RESET_TTL,
    resetMaxPerHour: env.PASSWORD_RESET_MAX_PER_HOUR,
    verificationMaxPerHour: env.EMAIL_VERIFICATION_MAX_PER_HOUR,
    pollIntervalMs: env.MAIL_POLL_INTERVAL,
    retryBaseDelayMs: env.MAIL_RETRY_BASE_DELAY,
    retryMaxDelayMs: Math.max(env.MAIL_RETRY_MAX_DELAY, env.MAIL_RETRY_BASE_DELAY),
    maxAttempts: env.MAIL_MAX_ATTEMPTS,
    claimLeaseMs: env.MAIL_CLAIM_LEASE,
    stuckAfterMs: env.MAIL_STUCK_AFTER,
    deletedUsernameHoldMs: env.DELETED_USERNAME_HOLD,
  };
}
