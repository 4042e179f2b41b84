import { createHash, randomBytes } from 'node:crypto';

/** 32 bytes from the CSPRNG (256 bits), base64url: 43 characters. */
export const ACCOUNT_TOKEN_BYTES = 32;

export interface AccountToken {
  /** Goes into the link, and nowhere else: never stored, logged or answered. */
  token: string;
  /** SHA-256 of the token, base64url: what is stored. A high-entropy token needs no salt or slow hash. */
  hash: string;
}

export function newAccountToken(): AccountToken {
  const token = randomBytes(ACCOUNT_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashAccountToken(token) };
}

export function hashAccountToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
