import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_CLAIMS,
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  MAX_ROLES,
  ROLE_PATTERN,
  TOKEN_MAX_LENGTH,
} from '../contract/access-token';
import { createVerifier, TokenError } from 'fast-jwt';

export type AccessTokenErrorCode = 'INVALID_TOKEN' | 'TOKEN_EXPIRED';

/** The token is not acceptable; `reason` is for logs only (never shown to the client). */
export class AccessTokenError extends Error {
  constructor(
    readonly code: AccessTokenErrorCode,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
  }
}

/** Thrown by a `resolveKey` that could not ask for the keys at all: the caller answers 503, not 401. */
export class SigningKeysUnavailableError extends Error {}

export interface AccessTokenVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /**
   * ACCESS_TOKEN_TTL: the longest lifetime the auth service gives a token. A token claiming a longer one (`exp - iat`
   * beyond it plus the tolerance) was not made under this policy, e.g. signed with a leaked key, and is refused.
   */
  accessTtlMs: number;
  /** The public key (PEM, SPKI) with this `kid`, or `undefined` when there is none. */
  resolveKey: (kid: string) => Promise<string | undefined>;
  /**
   * How many verified tokens to remember (LRU, each until its own `exp`), so a token seen again skips the
   * signature check; 0 turns it off. A cache hit still goes through every check that is not the signature.
   */
  cacheSize: number;
}

export type VerifyAccessToken = (token: string) => Promise<AccessTokenClaims>;

/**
 * The one definition of a valid access token, used by the gateway (keys from `auth.jwks`), the auth service (its
 * own keys) and every resource service using this package (keys from the gateway's JWKS over HTTP): EdDSA only (so never `alg: none` nor an HMAC made with a public key), `typ: at+jwt`, the expected
 * issuer and audience, every claim present and typed (`iat` included), not expired, not issued in the future beyond the
 * tolerance, and no longer-lived than ACCESS_TOKEN_TTL allows.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): VerifyAccessToken {
  const toleranceMs = options.clockToleranceSeconds * 1_000;
  const maxLifetimeSeconds = Math.floor(options.accessTtlMs / 1_000) + options.clockToleranceSeconds;
  const verify = createVerifier({
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    checkTyp: ACCESS_TOKEN_TYPE,
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: [...ACCESS_TOKEN_CLAIMS],
    clockTolerance: toleranceMs,
    ...(options.cacheSize > 0 && {
      cache: options.cacheSize,
      cacheTTL: Infinity,
      // fast-jwt keeps a failure until now + tolerance + this. A failed key lookup (an unknown kid, the auth service
      // unreachable) must not stick to the token: expire it at once. Other failures are final for that token anyway.
      errorCacheTTL: (error: TokenError) => (error.code === TokenError.codes.keyFetchingError ? -toleranceMs - 1 : -1),
    }),
    key: async ({ header }: { header: { kid?: unknown } }): Promise<string> => {
      if (typeof header.kid !== 'string' || header.kid.length === 0) {
        throw new AccessTokenError('INVALID_TOKEN', 'no kid in the header');
      }
      const key = await options.resolveKey(header.kid);
      if (key === undefined) throw new AccessTokenError('INVALID_TOKEN', `unknown kid ${header.kid}`);
      return key;
    },
  });
  const recent = options.cacheSize > 0 ? new RecentTokens(options.cacheSize, toleranceMs) : undefined;
  return async (token: string): Promise<AccessTokenClaims> => {
    if (token.length > TOKEN_MAX_LENGTH) throw new AccessTokenError('INVALID_TOKEN', 'too long');
    const remembered = recent?.get(token);
    if (remembered) return remembered;
    let payload: unknown;
    try {
      payload = await verify(token);
    } catch (error) {
      throw translate(error);
    }
    const claims = checkClaims(payload);
    if (claims.iat * 1_000 > Date.now() + toleranceMs) {
      throw new AccessTokenError('INVALID_TOKEN', 'issued in the future');
    }
    if (claims.exp - claims.iat > maxLifetimeSeconds) {
      throw new AccessTokenError('INVALID_TOKEN', 'lifetime (exp - iat) longer than ACCESS_TOKEN_TTL');
    }
    recent?.set(token, claims);
    return claims;
  };
}

/**
 * Tokens verified lately, by the token string itself: a token seen again costs one map lookup, not fast-jwt's
 * SHA-256 of the token (its cache key) and decoding. Only the clock can make such a token invalid later, so an entry
 * counts only until its `exp` plus the tolerance; after that the token goes through fast-jwt again, which answers
 * TOKEN_EXPIRED. Failures are never kept here (fast-jwt's own cache keeps those). Least recently used goes first.
 */
class RecentTokens {
  private readonly entries = new Map<string, AccessTokenClaims>();

  constructor(
    private readonly capacity: number,
    private readonly toleranceMs: number,
  ) {}

  get(token: string): AccessTokenClaims | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    this.entries.delete(token);
    if (claims.exp * 1_000 + this.toleranceMs < Date.now()) return undefined;
    this.entries.set(token, claims);
    return claims;
  }

  set(token: string, claims: AccessTokenClaims): void {
    this.entries.set(token, claims);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

function translate(error: unknown): Error {
  if (error instanceof TokenError) {
    const cause: unknown = (error as TokenError & { originalError?: unknown }).originalError;
    if (cause instanceof AccessTokenError || cause instanceof SigningKeysUnavailableError) return cause;
    if (error.code === TokenError.codes.expired) return new AccessTokenError('TOKEN_EXPIRED', error.message);
    return new AccessTokenError('INVALID_TOKEN', `${error.code}: ${error.message}`);
  }
  if (error instanceof AccessTokenError || error instanceof SigningKeysUnavailableError) return error;
  return new AccessTokenError('INVALID_TOKEN', String(error));
}

const STRING_CLAIMS = ['iss', 'aud', 'sub', 'sid', 'jti', 'username'] as const;

function checkClaims(payload: unknown): AccessTokenClaims {
  if (typeof payload !== 'object' || payload === null) throw new AccessTokenError('INVALID_TOKEN', 'no payload');
  const claims = payload as Record<string, unknown>;
  for (const name of STRING_CLAIMS) {
    const value = claims[name];
    if (typeof value !== 'string' || value.length === 0) {
      throw new AccessTokenError('INVALID_TOKEN', `claim ${name} is not a non-empty string`);
    }
  }
  if (!Number.isInteger(claims['iat']) || !Number.isInteger(claims['exp'])) {
    throw new AccessTokenError('INVALID_TOKEN', 'iat and exp must be integers');
  }
  const roles = claims['roles'];
  if (
    roles !== undefined &&
    (!Array.isArray(roles) ||
      roles.length > MAX_ROLES ||
      !roles.every((role) => typeof role === 'string' && ROLE_PATTERN.test(role)))
  ) {
    throw new AccessTokenError('INVALID_TOKEN', 'claim roles is not a list of role names');
  }
  if (claims['auth_time'] !== undefined && !Number.isInteger(claims['auth_time'])) {
    throw new AccessTokenError('INVALID_TOKEN', 'auth_time must be an integer');
  }
  return claims as unknown as AccessTokenClaims;
}
