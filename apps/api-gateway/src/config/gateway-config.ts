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

export const gatewayEnvSchema = baseEnvSchema
  .extend({
    HOST: host('0.0.0.0'),
    PORT: port(3000),
    AUTH_TCP_HOST: host('127.0.0.1'),
    AUTH_TCP_PORT: port(3001),
    AUTH_RPC_TIMEOUT_MS: integer(5_000, 100, 60_000),
    ...mutualTlsEnvShape,
    ...authTransportEnvShape,
    // Shared state of several gateways (rate-limit counters); unset = in this process only.
    REDIS_URL: z
      .string()
      .trim()
      .refine(
        (value) => /^rediss?:\/\/\S+$/.test(value),
        'must be redis://[user:password@]host:port[/db] or rediss://…',
      )
      .optional(),
    // Every key this gateway writes starts with it: several deployments (or test runs) can share one Redis.
    REDIS_KEY_PREFIX: z.string().trim().max(100).default('nestjs-microservices:'),
    // The readiness check's call to the auth service: short, so a frozen service fails the check quickly.
    HEALTH_TIMEOUT_MS: integer(1_000, 100, 10_000),
    HTTP_BODY_LIMIT_BYTES: integer(16_384, 1_024, 1_048_576),
    // A request must have arrived whole within this (slow clients holding connections open are cut off: 408).
    HTTP_REQUEST_TIMEOUT_MS: integer(10_000, 1_000, 300_000),
    // X-Forwarded-For counts only when the connection comes from one of these; empty = trust nobody.
    TRUSTED_PROXIES: list(ipOrCidr),
    // Browser origins allowed by CORS; empty = no CORS headers at all.
    CORS_ORIGINS: list(origin),
    RATE_LIMIT_ENABLED: flag(true),
    RATE_LIMIT_SIGNUP_LIMIT: integer(10, 1, 1_000_000),
    RATE_LIMIT_SIGNUP_TTL_MS: integer(60_000, 1_000, 86_400_000),
    RATE_LIMIT_LOGIN_LIMIT: integer(20, 1, 1_000_000),
    RATE_LIMIT_LOGIN_TTL_MS: integer(60_000, 1_000, 86_400_000),
    RATE_LIMIT_REFRESH_LIMIT: integer(60, 1, 1_000_000),
    RATE_LIMIT_REFRESH_TTL_MS: integer(60_000, 1_000, 86_400_000),
    RATE_LIMIT_PASSWORD_LIMIT: integer(10, 1, 1_000_000),
    RATE_LIMIT_PASSWORD_TTL_MS: integer(60_000, 1_000, 86_400_000),
    // Per client IP and route: password forgot/reset, email change, verification and its resending.
    RATE_LIMIT_RECOVERY_LIMIT: integer(5, 1, 1_000_000),
    RATE_LIMIT_RECOVERY_TTL_MS: integer(60_000, 1_000, 86_400_000),
    // Must match the auth service's settings: a token from another issuer or for another audience is refused.
    TOKEN_ISSUER: z.string().trim().min(1).default(DEFAULT_TOKEN_ISSUER),
    TOKEN_AUDIENCE: z.string().trim().min(1).default(DEFAULT_TOKEN_AUDIENCE),
    TOKEN_CLOCK_TOLERANCE: duration(`${MAX_CLOCK_TOLERANCE_SECONDS}s`, '0s', `${MAX_CLOCK_TOLERANCE_SECONDS}s`),
    // The auth service's ACCESS_TOKEN_TTL (set it the same): a token claiming a longer lifetime is refused.
    ACCESS_TOKEN_TTL: accessTokenTtl(),
    JWKS_REFRESH_INTERVAL: duration('60s', '1s', '1h'),
    // A token with an unknown `kid` makes the gateway ask for the keys again, at most once per this.
    JWKS_REFETCH_COOLDOWN: duration('5s', '100ms', '5m'),
    REVOCATION_SYNC_INTERVAL: duration('1s', '100ms', '1m'),
    // Readiness fails when the revocation list has not been synced for this long (revoked tokens might pass).
    REVOCATION_SYNC_STALE_AFTER: duration('5s', '1s', '10m'),
    // The bearer token resource services send to GET /api/auth/revocations; unset = that feed is off (404).
    REVOCATION_FEED_TOKEN: z.string().trim().min(32).optional(),
    // Verified tokens remembered so a repeat skips the signature check (LRU); 0 = off.
    VERIFIED_TOKEN_CACHE_SIZE: integer(10_000, 0, 1_000_000),
    // Swagger UI and the OpenAPI document; unset = served, except with NODE_ENV=production.
    DOCS_ENABLED: optionalFlag(),
    // GET /metrics: on the public HTTP port, or with METRICS_PORT only on METRICS_HOST:METRICS_PORT.
    METRICS_ENABLED: flag(true),
    METRICS_HOST: host('127.0.0.1'),
    METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
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
    routes: Record<'signup' | 'login' | 'refresh' | 'password' | 'recovery', { limit: number; ttlMs: number }>;
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
