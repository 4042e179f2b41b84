import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RolesGuard } from '../guard/roles.guard';
import { TokenAuthGuard } from '../guard/token-auth.guard';
import { TokenAuthenticator } from '../guard/token-authenticator';
import { TokenAuthHealthIndicator } from '../health/token-auth.health';
import { SigningKeySet } from '../keys/signing-key-set';
import { RevocationFeedFollower } from '../revocations/revocation-feed-follower';
import { createAccessTokenVerifier } from '../verifier/access-token-verifier';
import { getJson } from './http-json';
import {
  resolveOptions,
  type ResolvedTokenAuthOptions,
  TOKEN_AUTH_OPTIONS,
  type TokenAuthAsyncOptions,
  type TokenAuthOptions,
} from './token-auth.options';

const RESOLVED_OPTIONS = Symbol('RESOLVED_TOKEN_AUTH_OPTIONS');

const providers: Provider[] = [
  { provide: RESOLVED_OPTIONS, inject: [TOKEN_AUTH_OPTIONS], useFactory: resolveOptions },
  {
    provide: SigningKeySet,
    inject: [RESOLVED_OPTIONS],
    useFactory: (options: ResolvedTokenAuthOptions) =>
      new SigningKeySet({
        fetchJwks: () => getJson(options.jwksUrl, options.httpTimeoutMs),
        refreshIntervalMs: options.jwksRefreshIntervalMs,
        refetchCooldownMs: options.jwksRefetchCooldownMs,
      }),
  },
  {
    provide: RevocationFeedFollower,
    inject: [RESOLVED_OPTIONS],
    useFactory: ({ revocations, ...options }: ResolvedTokenAuthOptions) =>
      revocations
        ? new RevocationFeedFollower({
            ...revocations,
            tokenLifetimeMs: options.accessTokenTtlSeconds * 1_000,
            clockToleranceMs: options.clockToleranceSeconds * 1_000,
            timeoutMs: options.httpTimeoutMs,
            fetchJson: getJson,
          })
        : null,
  },
  {
    provide: TokenAuthenticator,
    inject: [RESOLVED_OPTIONS, SigningKeySet, RevocationFeedFollower],
    useFactory: (options: ResolvedTokenAuthOptions, keys: SigningKeySet, feed: RevocationFeedFollower | null) =>
      new TokenAuthenticator(
        createAccessTokenVerifier({
          issuer: options.issuer,
          audience: options.audience,
          clockToleranceSeconds: options.clockToleranceSeconds,
          accessTtlMs: options.accessTokenTtlSeconds * 1_000,
          cacheSize: options.verifiedTokenCacheSize,
          resolveKey: (kid) => keys.resolveKey(kid),
        }),
        keys,
        feed ?? { isRevoked: () => false },
      ),
  },
  TokenAuthHealthIndicator,
  { provide: APP_GUARD, useClass: TokenAuthGuard },
  // After the token guard (global guards run in the order they are provided): it reads the caller that guard set.
  { provide: APP_GUARD, useClass: RolesGuard },
];

const exported = [TokenAuthenticator, TokenAuthHealthIndicator, SigningKeySet, RevocationFeedFollower];

/**
 * Protects every route and message handler of the application with the platform's access tokens, verified here
 * (keys from the gateway's JWKS) and checked against the gateway's revocation feed. `@Public()` opts out.
 */
@Module({})
export class TokenAuthModule {
  static forRoot(options: TokenAuthOptions): DynamicModule {
    return {
      module: TokenAuthModule,
      global: true,
      providers: [{ provide: TOKEN_AUTH_OPTIONS, useValue: options }, ...providers],
      exports: exported,
    };
  }

  static forRootAsync(options: TokenAuthAsyncOptions): DynamicModule {
    return {
      module: TokenAuthModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: TOKEN_AUTH_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        ...providers,
      ],
      exports: exported,
    };
  }
}
