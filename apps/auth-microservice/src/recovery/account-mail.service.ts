import { Injectable } from '@nestjs/common';
import { ERROR_CODES } from '@nestjs-microservices/shared';
import { rpcFailure } from '../common/rpc-failure';
import { AuthConfig } from '../config/auth-config';
import type { MailSettings } from '../config/mail-config';
import type { Tx } from '../database/unit-of-work';
import { Outbox } from '../mail/outbox.service';
import { newAccountToken } from './account-token';
import { AccountTokensRepository } from './account-tokens.repository';

/** Who a mail is about: never more than the name it greets. */
export interface MailUser {
  id: string;
  username: string;
}

/** Page paths of the web app (APP_URL) that the links open; each reads its `token` query parameter. */
export const LINK_PATHS = {
  verifyEmail: '/verify-email',
  resetPassword: '/reset-password',
  forgotPassword: '/forgot-password',
} as const;

/**
 * The account's mails: each written into the outbox inside the caller's transaction, with the token (if any) stored
 * only as its hash. With MAIL_ENABLED=false, links cannot be sent (`requireEnabled` refuses the routes that need them)
 * and notices are skipped.
 */
@Injectable()
export class AccountMail {
  private readonly settings: MailSettings;

  constructor(
    private readonly outbox: Outbox,
    private readonly tokens: AccountTokensRepository,
    config: AuthConfig,
  ) {
    this.settings = config.mail;
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Throws MAIL_DISABLED when mail is switched off. */
  requireEnabled(): void {
    if (!this.settings.enabled) throw rpcFailure(ERROR_CODES.MAIL_DISABLED);
  }

  /** A verification link for `email` (the account's new or current address). */
  async verification(trx: Tx, user: MailUser, email: string, now: Date): Promise<void> {
    const { token, hash } = newAccountToken();
    const ttl = this.settings.verificationTtlMs;
    await this.tokens.insert(trx, {
      hash,
      userId: user.id,
      purpose: 'email_verification',
      email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
    });
    await this.outbox.mail(trx, 'verify-email', email, {
      username: user.username,
      link: this.link(LINK_PATHS.verifyEmail, token),
      expiresIn: humanDuration(ttl),
    });
  }

  /** A reset link to the verified `email`; every earlier reset link of the user stops working. */
  async passwordReset(trx: Tx, user: MailUser, email: string, now: Date): Promise<void> {
    const { token, hash } = newAccountToken();
    const ttl = this.settings.resetTtlMs;
    await this.tokens.invalidate(trx, user.id, 'password_reset', now);
    await this.tokens.insert(trx, {
      hash,
      userId: user.id,
      purpose: 'password_reset',
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttl),
    });
    await this.outbox.mail(trx, 'password-reset', email, {
      username: user.username,
      link: this.link(LINK_PATHS.resetPassword, token),
      expiresIn: humanDuration(ttl),
    });
  }

  /** "Your password was changed", to the verified address (none: nothing). */
  async passwordChanged(
    trx: Tx,
    user: MailUser,
    to: string | undefined,
    how: 'change' | 'reset',
    at: Date,
  ): Promise<void> {
    if (!this.enabled || to === undefined) return;
    await this.outbox.mail(trx, 'password-changed', to, {
      username: user.username,
      how: how === 'reset' ? 'through a reset link' : 'with the current password',
      at: at.toISOString(),
      forgotLink: `${this.settings.appUrl}${LINK_PATHS.forgotPassword}`,
    });
  }

  /** To the old (verified) address: a new one was given. The new one is shown masked. */
  async emailChanged(trx: Tx, user: MailUser, to: string | undefined, newEmail: string, at: Date): Promise<void> {
    if (!this.enabled || to === undefined) return;
    await this.outbox.mail(trx, 'email-changed', to, {
      username: user.username,
      newEmail: maskEmail(newEmail),
      at: at.toISOString(),
      forgotLink: `${this.settings.appUrl}${LINK_PATHS.forgotPassword}`,
    });
  }

  /** How many links of this kind the user got in the last hour, against the per-account budget. */
  async withinBudget(userId: string, purpose: 'email_verification' | 'password_reset', now: Date): Promise<boolean> {
    const max = purpose === 'password_reset' ? this.settings.resetMaxPerHour : this.settings.verificationMaxPerHour;
    return (await this.tokens.countSince(userId, purpose, new Date(now.getTime() - HOUR_MS))) < max;
  }

  /** After the transaction that wrote mail committed. */
  wake(): void {
    if (this.enabled) this.outbox.wake();
  }

  private link(path: string, token: string): string {
    return `${this.settings.appUrl}${path}?token=${token}`;
  }
}

const HOUR_MS = 3_600_000;

/** `a***@example.org`: enough for the owner to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** `10 minutes`, `24 hours`, `2 days`. */
export function humanDuration(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, name] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
