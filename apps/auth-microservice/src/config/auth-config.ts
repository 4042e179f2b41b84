import {
  accessTokenTtl,
  authTransportEnvShape,
  baseEnvSchema,
  duration,
  host,
  integer,
  list,
  type MutualTlsFiles,
  mutualTlsEnvShape,
  type NatsSettings,
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
import { MAX_FRAME_LENGTH } from '../transport/bounded-json-socket';
import { mailEnvIssue, mailEnvShape, type MailSettings, readMailSettings } from './mail-config';

const databaseUrl = z
  .string()
  .trim()
  .default('sqlite:./data/auth.sqlite')
  .refine((url) => /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(url), {
    message: 'must be "sqlite:<path>" or "postgres://…"',
  });

// At least 32 characters: the AES-256 key is derived from it, and a short secret would be guessable offline.
const encryptionSecret = z
  .string()
  .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)')
  .optional();

export const authEnvSchema = baseEnvSchema
  .extend({
    AUTH_TCP_HOST: host('127.0.0.1'),
    AUTH_TCP_PORT: port(3001),
    // 64 KiB is four times the largest request the gateway can send (a 16 KB body plus the envelope).
    AUTH_TCP_MAX_FRAME_BYTES: integer(65_536, 1_024, MAX_FRAME_LENGTH),
    AUTH_TCP_INCOMPLETE_MESSAGE_TIMEOUT_MS: integer(10_000, 100, 10_000),
    // Each gateway holds one connection; the cap keeps a flood of idle sockets from exhausting the process.
    AUTH_TCP_MAX_CONNECTIONS: integer(256, 1, 65_535),
    // A connection with no traffic either way for this long is closed, so idle sockets cannot hold every slot.
    AUTH_TCP_IDLE_TIMEOUT_MS: integer(300_000, 100, 86_400_000),
    ...mutualTlsEnvShape,
    // With mutual TLS: the certificate names (subject CN or a SAN, exactly) a caller must present one of; empty = any.
    AUTH_TLS_ALLOWED_CLIENTS: list(z.string().min(1).max(255)),
    ...authTransportEnvShape,
    // With TRANSPORT=nats: the queue group every auth instance joins (each request goes to exactly one of them).
    NATS_QUEUE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, ".", "-" or "_"')
      .default('auth-service'),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: integer(10, 1, 100),
    // PostgreSQL: how long a request waits for a connection before failing with 503 (below the gateway's timeout).
    DATABASE_CONNECT_TIMEOUT: duration('2s', '100ms', '60s'),
    ARGON2_MEMORY_KIB: integer(19_456, 8_192, 4_194_304),
    ARGON2_TIME_COST: integer(2, 1, 20),
    ARGON2_PARALLELISM: integer(1, 1, 16),
    // Brute-force protection: failures per account and client before delays start, the first delay (doubling
    // after each further failure, up to the maximum), and the failures per account and hour that are checked at all.
    LOGIN_THROTTLE_THRESHOLD: integer(5, 1, 1_000),
    LOGIN_THROTTLE_BASE_DELAY_MS: integer(1_000, 1, 3_600_000),
    LOGIN_THROTTLE_MAX_DELAY_MS: integer(900_000, 1, 3_600_000),
    LOGIN_MAX_FAILURES_PER_HOUR: integer(100, 1, 100_000),
    // GET /metrics for Prometheus, on loopback unless told otherwise; port 0 turns it off.
    AUTH_METRICS_HOST: host('127.0.0.1'),
    AUTH_METRICS_PORT: integer(9464, 0, 65_535),
    TOKEN_ISSUER: z.string().trim().min(1).default(DEFAULT_TOKEN_ISSUER),
    TOKEN_AUDIENCE: z.string().trim().min(1).default(DEFAULT_TOKEN_AUDIENCE),
    TOKEN_CLOCK_TOLERANCE: duration('30s', '0s', `${MAX_CLOCK_TOLERANCE_SECONDS}s`),
    ACCESS_TOKEN_TTL: accessTokenTtl(),
    REFRESH_TOKEN_IDLE_TTL: duration('14d', '1s', '365d'),
    REFRESH_TOKEN_ABSOLUTE_TTL: duration('30d', '1s', '365d'),
    // A used refresh token presented again within this window (two tabs refreshing at once) still works.
    REFRESH_TOKEN_REUSE_GRACE: duration('10s', '0s', '5m'),
    // Active sessions a user may hold; a login beyond it ends the least recently used ones (no unbounded growth).
    SESSIONS_MAX_PER_USER: integer(100, 1, 10_000),
    SIGNING_KEY_ROTATION_INTERVAL: duration('30d', '1s', '3650d'),
    // A new key is in the JWKS this long before it signs, so every gateway knows it before it sees a token.
    SIGNING_KEY_PUBLISH_LEAD: duration('2m', '0s', '1d'),
    SIGNING_KEY_ENCRYPTION_SECRET: encryptionSecret,
    ...mailEnvShape,
  })
  .superRefine((env, context) => {
    if (env.REFRESH_TOKEN_IDLE_TTL > env.REFRESH_TOKEN_ABSOLUTE_TTL) {
      context.addIssue({
        code: 'custom',
        path: ['REFRESH_TOKEN_IDLE_TTL'],
        message: 'must not be longer than REFRESH_TOKEN_ABSOLUTE_TTL',
      });
    }
    if (env.AUTH_TLS_ALLOWED_CLIENTS.length > 0 && !env.AUTH_TLS_CA) {
      context.addIssue({
        code: 'custom',
        path: ['AUTH_TLS_ALLOWED_CLIENTS'],
        message: 'needs mutual TLS (AUTH_TLS_CA, AUTH_TLS_CERT, AUTH_TLS_KEY): without it no caller has a certificate',
      });
    }
    if (env.NODE_ENV === 'production' && !env.SIGNING_KEY_ENCRYPTION_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['SIGNING_KEY_ENCRYPTION_SECRET'],
        message: 'is required in production: private signing keys are never stored unencrypted there',
      });
    }
    const mailIssue = mailEnvIssue(env);
    if (mailIssue) context.addIssue({ code: 'custom', path: ['SMTP_URL'], message: mailIssue });
  });

export type AuthEnv = z.output<typeof authEnvSchema>;

/** The auth service's settings, validated once at start-up and injected by class. */
export class AuthConfig extends ProcessConfig {
  readonly tcp: {
    host: string;
    port: number;
    maxFrameBytes: number;
    incompleteMessageTimeoutMs: number;
    maxConnections: number;
    idleTimeoutMs: number;
    /** Mutual TLS: the service's certificate and key, and the CA its clients' certificates must chain to. */
    tls?: MutualTlsFiles;
    /** With `tls`: the certificate names allowed to call (subject CN or SAN); undefined = any the CA signed. */
    allowedClients?: string[];
  };
  /** TRANSPORT: `tcp` serves `tcp` above; `nats` joins `nats.queue` on the NATS server(s) instead. */
  readonly transport: 'tcp' | 'nats';
  readonly nats?: NatsSettings & { queue: string };
  readonly database: { url: string; poolSize: number; connectTimeoutMs: number };
  readonly argon2: { memoryKib: number; timeCost: number; parallelism: number };
  readonly loginThrottle: { threshold: number; baseDelayMs: number; maxDelayMs: number; accountMaxFailures: number };
  /** Where `GET /metrics` is served; `port` 0 means not at all. */
  readonly metrics: { host: string; port: number };
  readonly tokens: {
    issuer: string;
    audience: string;
    clockToleranceSeconds: number;
    accessTtlMs: number;
    refreshIdleTtlMs: number;
    refreshAbsoluteTtlMs: number;
    reuseGraceMs: number;
    maxSessionsPerUser: number;
  };
  readonly signingKeys: { rotationIntervalMs: number; publishLeadMs: number; encryptionSecret?: string };
  /** Mail (verification, password reset, notices) and account recovery. */
  readonly mail: MailSettings;

  constructor(env: AuthEnv) {
    super(env);
    this.tcp = {
      host: env.AUTH_TCP_HOST,
      port: env.AUTH_TCP_PORT,
      maxFrameBytes: env.AUTH_TCP_MAX_FRAME_BYTES,
      incompleteMessageTimeoutMs: env.AUTH_TCP_INCOMPLETE_MESSAGE_TIMEOUT_MS,
      maxConnections: env.AUTH_TCP_MAX_CONNECTIONS,
      idleTimeoutMs: env.AUTH_TCP_IDLE_TIMEOUT_MS,
      tls: readMutualTls(env),
      ...(env.AUTH_TLS_ALLOWED_CLIENTS.length > 0 && { allowedClients: env.AUTH_TLS_ALLOWED_CLIENTS }),
    };
    this.transport = env.TRANSPORT;
    const nats = readNatsSettings(env);
    if (nats) this.nats = { ...nats, queue: env.NATS_QUEUE };
    this.database = {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT,
    };
    this.argon2 = {
      memoryKib: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    };
    this.loginThrottle = {
      threshold: env.LOGIN_THROTTLE_THRESHOLD,
      baseDelayMs: env.LOGIN_THROTTLE_BASE_DELAY_MS,
      maxDelayMs: env.LOGIN_THROTTLE_MAX_DELAY_MS,
      accountMaxFailures: env.LOGIN_MAX_FAILURES_PER_HOUR,
    };
    this.metrics = { host: env.AUTH_METRICS_HOST, port: env.AUTH_METRICS_PORT };
    this.tokens = {
      issuer: env.TOKEN_ISSUER,
      audience: env.TOKEN_AUDIENCE,
      clockToleranceSeconds: env.TOKEN_CLOCK_TOLERANCE / 1_000,
      accessTtlMs: env.ACCESS_TOKEN_TTL,
      refreshIdleTtlMs: env.REFRESH_TOKEN_IDLE_TTL,
      refreshAbsoluteTtlMs: env.REFRESH_TOKEN_ABSOLUTE_TTL,
      reuseGraceMs: env.REFRESH_TOKEN_REUSE_GRACE,
      maxSessionsPerUser: env.SESSIONS_MAX_PER_USER,
    };
    this.signingKeys = {
      rotationIntervalMs: env.SIGNING_KEY_ROTATION_INTERVAL,
      publishLeadMs: env.SIGNING_KEY_PUBLISH_LEAD,
      encryptionSecret: env.SIGNING_KEY_ENCRYPTION_SECRET,
    };
    this.mail = readMailSettings(env);
  }

  /**
   * How long after a revocation or a key's retirement an access token it concerns may still be presented and
   * accepted: its lifetime plus the clock tolerance of the verifiers.
   */
  get accessTokenHorizonMs(): number {
    return this.tokens.accessTtlMs + this.tokens.clockToleranceSeconds * 1_000;
  }
}
