import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { composed } from './validators';

/** RFC 5321: a forward-path is at most 256 octets including the angle brackets. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * How an address is stored and shown: trimmed, NFC, the domain lower-cased (it is case-insensitive by the DNS);
 * the local part keeps its case, because RFC 5321 lets a server tell `Alice@` from `alice@`.
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.normalize('NFC').trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed;
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

/**
 * What uniqueness is decided on: the whole address lower-cased. No two accounts may hold addresses that differ only
 * in letter case, even though the local part's case is kept for sending.
 */
export function emailKey(email: string): string {
  return normalizeEmail(email).toLowerCase();
}

/** Normalised (see `normalizeEmail`), then checked: a plausible address of at most EMAIL_MAX_LENGTH characters. */
export const IsAcceptableEmail = (): PropertyDecorator =>
  composed(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
    IsString(),
    MaxLength(EMAIL_MAX_LENGTH),
    IsEmail(
      { allow_display_name: false, allow_ip_domain: false, require_tld: true },
      { message: 'email must be an email address' },
    ),
  );
