import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { REFRESH_TOKEN_BYTES } from '@nestjs-microservices/shared';

const PEPPER_SALT = 'nestjs-microservices/refresh-chains';

export interface RefreshToken {
  token: string;
  hash: string;
}

/**
 * 256 random bits, base64url. Only the SHA-256 is stored: with that much entropy a plain hash cannot be reversed,
 * and it lets a token be found by an indexed equality (a salted or slow hash could not be looked up).
 */
export function newRefreshToken(): RefreshToken {
  const token = randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The key of a new session's refresh chain: 256 random bits, base64url, kept in its `sessions` row. */
export function newChainSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A session's refresh tokens form one chain: the successor of a token is HMAC-SHA256(chain key, token), base64url
 * (43 characters, like a random token), so presenting a token again yields the same successor and never a second
 * chain. The chain key is the session's random secret, keyed in turn with a pepper derived from
 * SIGNING_KEY_ENCRYPTION_SECRET when one is set: then neither an old token alone nor an old token with a copy of
 * the database gives the live one.
 */
export class RefreshChains {
  private readonly pepper: Buffer | undefined;

  constructor(encryptionSecret: string | undefined) {
    this.pepper =
      encryptionSecret === undefined
        ? undefined
        : Buffer.from(hkdfSync('sha256', encryptionSecret, PEPPER_SALT, 'refresh-token-successor', 32));
  }

  /** The `count` tokens after `token` on the chain keyed by `secret`, nearest first. */
  successors(secret: string, token: string, count = 1): RefreshToken[] {
    const key = this.pepper ? createHmac('sha256', this.pepper).update(secret).digest() : Buffer.from(secret);
    const chain: RefreshToken[] = [];
    let previous = token;
    for (let i = 0; i < count; i++) {
      const next = createHmac('sha256', key).update(previous).digest('base64url');
      chain.push({ token: next, hash: hashRefreshToken(next) });
      previous = next;
    }
    return chain;
  }
}
