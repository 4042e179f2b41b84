import { isIP } from 'node:net';
import {
  accessTokenTtl,
  authTransportEnvShape,
  baseEnvSchema,
  duration,
  flag,
  host,
  integer,
  list,
  type MutualTlsFiles,
  mutualTlsEnvShape,
  type NatsSettings,
  optionalFlag,
  port,
  ProcessConfig,
  readMutualTls,
  readNatsSettings,
} from '@nestjs-microservices/runtime';
import {
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  MAX_CLOCK_TOLERANCE_SECONDS,
} from '@nestjs-microservices/shared';
import { z } from 'zod';

/** An IP address or a CIDR range, as Fastify's `trustProxy` takes them. */
const ipOrCidr = z.string().refine((value) => {
  const [address = '', bits, ...rest] = value.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}, 'must be IP addresses or CIDR ranges, comma-separated');
const origin = z.string().refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'must be origins like https://app.example.com, comma-separated');

const perWindow = (what: string, limit: number) =>
  integer(limit, 1, 1_000_000).describe(`${what} per client IP per window`);
const rateWindow = (limitVariable: string) =>
  integer(60_000, 1_000, 86_400_000).describe(`the window of \`${limitVariable}\`, in milliseconds`);

export const gatewayEnvSchema = baseEnvSchema
  .extend({
    HOST: host('0.0.0.0').describe('HTTP bind address'),
    PORT: port(3000).describe('HTTP port'),
    AUTH_TCP_HOST: host('127.0.0.1').describe('with `TRANSPORT=tcp`: where the gateway reaches the auth service'),
    AUTH_TCP_PORT: port(3001).describe("the auth service's TCP port"),
    AUTH_RPC_TIMEOUT_MS: integer(5_000, 100, 60_000).describe(
      'timeout of one call to the auth service (→ `504 UPSTREAM_TIMEOUT`)',
    ),
    ...mutualTlsEnvShape,
    ...authTransportEnvShape,
    REDIS_URL: z
      .string()
      .trim()
      .refine(
        (value) => /^rediss?:\/\/\S+$/.test(value),
        'must be redis://[user:password@]host:port[/db] or rediss://…',
      )
      .optional()
      .meta({
        description:
          '`redis://[user:password@]host:port[/db]` or `rediss://…`: rate-limit counters shared by every gateway; unset = kept in each gateway',
        example: 'redis://127.0.0.1:6379',
      }),
    REDIS_KEY_PREFIX: z
      .string()
      .trim()
      .max(100)
      .default('nestjs-microservices:')
      .describe(
        'every Redis key the gateway writes starts with it: several deployments (or test runs) can share one Redis',
      ),
    HEALTH_TIMEOUT_MS: integer(1_000, 100, 10_000).describe(
      "timeout of the readiness check's call to the auth service (→ `ready` 503): short, so a frozen service fails the check quickly",
    ),
    HTTP_BODY_LIMIT_BYTES: integer(16_384, 1_024, 1_048_576).describe(
      'largest request body (→ `413 PAYLOAD_TOO_LARGE`)',
    ),
    HTTP_REQUEST_TIMEOUT_MS: integer(10_000, 1_000, 300_000).describe(
      'a request must have arrived whole within this, or the connection is cut off (→ `408 REQUEST_TIMEOUT`)',
    ),
    TRUSTED_PROXIES: list(ipOrCidr).describe(
      'IPs/CIDR ranges whose `X-Forwarded-For` is believed; empty trusts nobody and uses the socket address',
    ),
    CORS_ORIGINS: list(origin).describe(
      'browser origins allowed by CORS, with credentials; empty sends no CORS headers; also the only origins cookie mode accepts',
    ),
    RATE_LIMIT_ENABLED: flag(true).describe(
      'per-client-IP rate limits on sign-up, login, refresh, password change, account recovery and the admin API (→ `429 RATE_LIMITED` with `Retry-After`)',
    ),
    RATE_LIMIT_SIGNUP_LIMIT: perWindow('sign-ups', 10),
    RATE_LIMIT_SIGNUP_TTL_MS: rateWindow('RATE_LIMIT_SIGNUP_LIMIT'),
    RATE_LIMIT_LOGIN_LIMIT: perWindow('logins', 20),
    RATE_LIMIT_LOGIN_TTL_MS: rateWindow('RATE_LIMIT_LOGIN_LIMIT'),
    RATE_LIMIT_REFRESH_LIMIT: perWindow('refreshes', 60),
    RATE_LIMIT_REFRESH_TTL_MS: rateWindow('RATE_LIMIT_REFRESH_LIMIT'),
    RATE_LIMIT_PASSWORD_LIMIT: perWindow('password changes', 10),
    RATE_LIMIT_PASSWORD_TTL_MS: rateWindow('RATE_LIMIT_PASSWORD_LIMIT'),
    RATE_LIMIT_ADMIN_LIMIT: perWindow(
      'requests to /api/admin routes together (their own budget, apart from the routes of ordinary users)',
      120,
    ),
    RATE_LIMIT_ADMIN_TTL_MS: rateWindow('RATE_LIMIT_ADMIN_LIMIT'),
    RATE_LIMIT_RECOVERY_LIMIT: perWindow(
      'requests per route to password forgot/reset, email change, verification and its resending',
      5,
    ),
    RATE_LIMIT_RECOVERY_TTL_MS: rateWindow('RATE_LIMIT_RECOVERY_LIMIT'),
    // Must match the auth service's settings: a token from another issuer or for another audience is refused.
    TOKEN_ISSUER: z
      .string()
      .trim()
      .min(1)
      .default(DEFAULT_TOKEN_ISSUER)
      .describe("the `iss` access tokens must carry: the auth service's `TOKEN_ISSUER`"),
    TOKEN_AUDIENCE: z
      .string()
      .trim()
      .min(1)
      .default(DEFAULT_TOKEN_AUDIENCE)
      .describe("the `aud` access tokens must carry: the auth service's `TOKEN_AUDIENCE`"),
    TOKEN_CLOCK_TOLERANCE: duration(
      `${MAX_CLOCK_TOLERANCE_SECONDS}s`,
      '0s',
      `${MAX_CLOCK_TOLERANCE_SECONDS}s`,
    ).describe('how far clocks may disagree when `exp`, `nbf` and `iat` are checked'),
    ACCESS_TOKEN_TTL: accessTokenTtl().describe(
      "the auth service's `ACCESS_TOKEN_TTL` (set it the same): a token whose `exp - iat` is longer (plus `TOKEN_CLOCK_TOLERANCE`) is refused",
    ),
    JWKS_REFRESH_INTERVAL: duration('60s', '1s', '1h').describe(
      'how often the gateway refetches the public keys (`auth.jwks`)',
    ),
    JWKS_REFETCH_COOLDOWN: duration('5s', '100ms', '5m').describe(
      'a token with an unknown `kid` makes the gateway ask for the keys again, at most once per this',
    ),
    REVOCATION_SYNC_INTERVAL: duration('1s', '100ms', '1m').describe('how often the gateway polls `auth.revocations`'),
    REVOCATION_SYNC_STALE_AFTER: duration('5s', '1s', '10m').describe(
      'readiness fails when the last successful poll of the revocation list is older than this (revoked tokens might pass)',
    ),
    REVOCATION_FEED_TOKEN: z
      .string()
      .trim()
      .min(32)
      .optional()
      .describe(
        'bearer token (≥ 32 characters) of `GET /api/auth/revocations`, the feed resource services follow; unset = the feed is off (404)',
      ),
    VERIFIED_TOKEN_CACHE_SIZE: integer(10_000, 0, 1_000_000).describe(
      'verified tokens remembered (LRU, each until its `exp`) so a token seen again skips the signature check; `0` = off',
    ),
    DOCS_ENABLED: optionalFlag().meta({
      description: 'Swagger UI at `/api/docs` and the OpenAPI document at `/api/docs-json`; off = 404',
      defaultText: '`true`; `false` with `NODE_ENV=production`',
    }),
    METRICS_ENABLED: flag(true).describe('`GET /metrics`; `false` = 404 (the series are still recorded)'),
    METRICS_HOST: host('127.0.0.1').describe('with `METRICS_PORT`: the address `GET /metrics` is served on'),
    METRICS_PORT: z.coerce
      .number()
      .int()
      .min(1)
      .max(65_535)
      .optional()
      .describe(
        'when set, `GET /metrics` is served only on `METRICS_HOST`:`METRICS_PORT`, no longer on the public port',
      ),
  })
  .superRefine((env, context) => {
    if (env.METRICS_PORT === env.PORT) {
      context.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT' });
    }
    if (env.REVOCATION_SYNC_STALE_AFTER <= env.REVOCATION_SYNC_INTERVAL) {
      context.addIssue({
        code: 'custom',
        path: ['REVOCATION_SYNC_STALE_AFTER'],
        message: 'must be longer than REVOCATION_SYNC_INTERVAL',
      });
    }
  });

export type GatewayEnv = z.output<typeof gatewayEnvSchema>;

/** The gateway's settings, validated once at start-up and injected by class. */
export class GatewayConfig extends ProcessConfig {
  readonly http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    trustedProxies: string[];
    corsOrigins: string[];
  };
  readonly rateLimit: {
    enabled: boolean;
    routes: Record<
      'signup' | 'login' | 'refresh' | 'password' | 'recovery' | 'admin',
      { limit: number; ttlMs: number }
    >;
  };
  /** `tls`: the gateway's client certificate and key, and the CA the auth service's certificate must chain to. */
  readonly auth: { host: string; port: number; timeoutMs: number; tls?: MutualTlsFiles };
  /** TRANSPORT: `nats` sends every call to the auth service's queue group instead of `auth.host:auth.port`. */
  readonly transport: 'tcp' | 'nats';
  readonly nats?: NatsSettings;
  /** Where rate-limit counters are shared; undefined = kept in this process. */
  readonly redis?: { url: string; keyPrefix: string };
  readonly health: { timeoutMs: number };
  /** How access tokens are verified; `verifiedCacheSize` 0 means no cache. */
  readonly tokens: {
    issuer: string;
    audience: string;
    clockToleranceSeconds: number;
    accessTtlMs: number;
    verifiedCacheSize: number;
  };
  readonly jwks: { refreshIntervalMs: number; refetchCooldownMs: number };
  readonly revocationSync: { intervalMs: number; staleAfterMs: number };
  /** The revocation feed for resource services: off without a token. */
  readonly revocationFeed: { token?: string };
  /** Swagger UI at /api/docs and the document at /api/docs-json. */
  readonly docs: { enabled: boolean };
  /** `GET /metrics`: on the public port when `port` is undefined, else only at `host`:`port`. */
  readonly metrics: { enabled: boolean; host: string; port?: number };

  constructor(env: GatewayEnv) {
    super(env);
    this.http = {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      trustedProxies: env.TRUSTED_PROXIES,
      corsOrigins: env.CORS_ORIGINS,
    };
    this.rateLimit = {
      enabled: env.RATE_LIMIT_ENABLED,
      routes: {
        signup: { limit: env.RATE_LIMIT_SIGNUP_LIMIT, ttlMs: env.RATE_LIMIT_SIGNUP_TTL_MS },
        login: { limit: env.RATE_LIMIT_LOGIN_LIMIT, ttlMs: env.RATE_LIMIT_LOGIN_TTL_MS },
        refresh: { limit: env.RATE_LIMIT_REFRESH_LIMIT, ttlMs: env.RATE_LIMIT_REFRESH_TTL_MS },
        password: { limit: env.RATE_LIMIT_PASSWORD_LIMIT, ttlMs: env.RATE_LIMIT_PASSWORD_TTL_MS },
        admin: { limit: env.RATE_LIMIT_ADMIN_LIMIT, ttlMs: env.RATE_LIMIT_ADMIN_TTL_MS },
        recovery: { limit: env.RATE_LIMIT_RECOVERY_LIMIT, ttlMs: env.RATE_LIMIT_RECOVERY_TTL_MS },
      },
    };
    this.auth = {
      host: env.AUTH_TCP_HOST,
      port: env.AUTH_TCP_PORT,
      timeoutMs: env.AUTH_RPC_TIMEOUT_MS,
      tls: readMutualTls(env),
    };
    this.transport = env.TRANSPORT;
    this.nats = readNatsSettings(env);
    if (env.REDIS_URL) this.redis = { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX };
    this.health = { timeoutMs: env.HEALTH_TIMEOUT_MS };
    this.tokens = {
      issuer: env.TOKEN_ISSUER,
      audience: env.TOKEN_AUDIENCE,
      clockToleranceSeconds: env.TOKEN_CLOCK_TOLERANCE / 1_000,
      accessTtlMs: env.ACCESS_TOKEN_TTL,
      verifiedCacheSize: env.VERIFIED_TOKEN_CACHE_SIZE,
    };
    this.jwks = { refreshIntervalMs: env.JWKS_REFRESH_INTERVAL, refetchCooldownMs: env.JWKS_REFETCH_COOLDOWN };
    this.revocationSync = {
      intervalMs: env.REVOCATION_SYNC_INTERVAL,
      staleAfterMs: env.REVOCATION_SYNC_STALE_AFTER,
    };
    this.revocationFeed = env.REVOCATION_FEED_TOKEN === undefined ? {} : { token: env.REVOCATION_FEED_TOKEN };
    this.docs = { enabled: env.DOCS_ENABLED ?? env.NODE_ENV !== 'production' };
    this.metrics = { enabled: env.METRICS_ENABLED, host: env.METRICS_HOST, port: env.METRICS_PORT };
  }
}
