import { createHash, randomBytes } from 'node:crypto';
import { REFRESH_TOKEN_BYTES } from '@nestjs-microservices/shared';

/**
 * 256 random bits, base64url. Only the SHA-256 is stored: with that much entropy a plain hash cannot be reversed,
 * and it lets a token be found by an indexed equality (a salted or slow hash could not be looked up).
 */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
