import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { MAX_CLOCK_TOLERANCE_SECONDS } from '../contract/access-token';

export interface RevocationFeedOptions {
  /** The gateway's feed: `https://<gateway>/api/auth/revocations`. */
  url: string;
  /** The gateway's REVOCATION_FEED_TOKEN, sent as a bearer token. */
  token: string;
  /** How often the feed is polled; 1 s by default, so a logout is refused here within about 2 s. */
  intervalMs?: number;
}

export interface TokenAuthOptions {
  /** The gateway's key set: `https://<gateway>/api/auth/jwks`. */
  jwksUrl: string;
  /** The platform's TOKEN_ISSUER and TOKEN_AUDIENCE (`urn:nestjs-microservices:auth` / `…:api` by default). */
  issuer: string;
  audience: string;
  /** Without it, a logged-out session's tokens stay valid here until they expire. */
  revocations?: RevocationFeedOptions;
  /** The auth service's ACCESS_TOKEN_TTL (900 s by default): longer-lived tokens are refused. */
  accessTokenTtlSeconds?: number;
  /** How far this clock may be off the signer's (30 s by default, at most 30). */
  clockToleranceSeconds?: number;
  /** How often the keys are fetched again (60 s by default). */
  jwksRefreshIntervalMs?: number;
  /** Shortest time between two fetches caused by unknown `kid`s or after a failure (5 s by default). */
  jwksRefetchCooldownMs?: number;
  /** Verified tokens remembered so a repeat skips the signature check (10,000 by default; 0 = off). */
  verifiedTokenCacheSize?: number;
  /** Timeout of each request to the gateway (5 s by default). */
  httpTimeoutMs?: number;
}

export interface TokenAuthAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => TokenAuthOptions | Promise<TokenAuthOptions>;
  inject?: FactoryProvider['inject'];
}

/** The options with every default filled in. */
export type ResolvedTokenAuthOptions = Required<Omit<TokenAuthOptions, 'revocations'>> & {
  revocations?: Required<RevocationFeedOptions>;
};

export const TOKEN_AUTH_OPTIONS = Symbol('TOKEN_AUTH_OPTIONS');

export function resolveOptions(options: TokenAuthOptions): ResolvedTokenAuthOptions {
  for (const name of ['jwksUrl', 'issuer', 'audience'] as const) {
    if (typeof options[name] !== 'string' || options[name].length === 0) {
      throw new Error(`TokenAuthModule: ${name} is required`);
    }
  }
  const { revocations } = options;
  if (revocations && (!revocations.url || !revocations.token)) {
    throw new Error('TokenAuthModule: revocations needs a url and a token');
  }
  return {
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    audience: options.audience,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 900,
    clockToleranceSeconds: Math.min(options.clockToleranceSeconds ?? 30, MAX_CLOCK_TOLERANCE_SECONDS),
    jwksRefreshIntervalMs: options.jwksRefreshIntervalMs ?? 60_000,
    jwksRefetchCooldownMs: options.jwksRefetchCooldownMs ?? 5_000,
    verifiedTokenCacheSize: options.verifiedTokenCacheSize ?? 10_000,
    httpTimeoutMs: options.httpTimeoutMs ?? 5_000,
    ...(revocations && { revocations: { ...revocations, intervalMs: revocations.intervalMs ?? 1_000 } }),
  };
}
