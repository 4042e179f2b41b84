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
  })
  .describe('`sqlite:<path>` (embedded, the default) or `postgres://user:password@host:5432/db`');

// At least 32 characters: the AES-256 key is derived from it, and a short secret would be guessable offline.
const encryptionSecret = z
  .string()
  .min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 48`)')
  .optional()
  .describe(
    '≥ 32 characters; private signing keys are stored AES-256-GCM-encrypted with a key derived from it. **Required when `NODE_ENV=production`**; keep it in your secret store, and never change it without the old keys rotated out',
  );

export const authEnvSchema = baseEnvSchema
  .extend({
    AUTH_TCP_HOST: host('127.0.0.1').describe(
      'address the TCP transport listens on; anything but loopback needs mutual TLS in production',
    ),
    AUTH_TCP_PORT: port(3001).describe("the auth service's TCP port"),
    // 64 KiB is four times the largest request the gateway can send (a 16 KB body plus the envelope).
    AUTH_TCP_MAX_FRAME_BYTES: integer(65_536, 1_024, MAX_FRAME_LENGTH).describe(
      "largest TCP frame (and NATS request), in JSON characters as NestJS's framing counts them; the maximum, with one socket read of headroom, keeps a connection under 1 MiB of buffer",
    ),
    AUTH_TCP_INCOMPLETE_MESSAGE_TIMEOUT_MS: integer(10_000, 100, 10_000).describe(
      'a half-sent frame is dropped, with its connection, after this',
    ),
    // Each gateway holds one connection; the cap keeps a flood of idle sockets from exhausting the process.
    AUTH_TCP_MAX_CONNECTIONS: integer(256, 1, 65_535).describe(
      'connections beyond this are closed as soon as they are accepted (each gateway holds one)',
    ),
    AUTH_TCP_IDLE_TIMEOUT_MS: integer(300_000, 100, 86_400_000).describe(
      'a connection with no traffic either way for this long is closed, so idle sockets cannot hold every slot; the gateway reconnects on its next request',
    ),
    ...mutualTlsEnvShape,
    AUTH_TLS_ALLOWED_CLIENTS: list(z.string().min(1).max(255)).describe(
      'with mutual TLS: certificate names (subject CN or a SAN, exact) a caller must present one of, or be disconnected; empty = any certificate the CA signed',
    ),
    ...authTransportEnvShape,
    NATS_QUEUE: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]+$/, 'must be letters, digits, ".", "-" or "_"')
      .default('auth-service')
      .describe('with `TRANSPORT=nats`: the queue group every auth instance joins (each request goes to exactly one)'),
    DATABASE_URL: databaseUrl,
    DATABASE_MIGRATE: z
      .enum(['auto', 'off'])
      .default('auto')
      .describe(
        'auto = the service migrates the schema at start; off = it refuses to start while the schema is behind (run `main.js migrate` first)',
      ),
    DATABASE_POOL_SIZE: integer(10, 1, 100).describe('PostgreSQL connections per auth instance'),
    DATABASE_CONNECT_TIMEOUT: duration('2s', '100ms', '60s').describe(
      "PostgreSQL: the longest wait for a connection; then the request fails with `503 AUTH_UNAVAILABLE` (keep it below the gateway's `AUTH_RPC_TIMEOUT_MS`)",
    ),
    ARGON2_MEMORY_KIB: integer(19_456, 8_192, 4_194_304).describe(
      'argon2id memory cost in KiB (19456 is the OWASP minimum); raising a parameter upgrades each hash at its next login',
    ),
    ARGON2_TIME_COST: integer(2, 1, 20).describe('argon2id iterations'),
    ARGON2_PARALLELISM: integer(1, 1, 16).describe('argon2id lanes'),
    LOGIN_THROTTLE_THRESHOLD: integer(5, 1, 1_000).describe(
      'failed logins of one client on one account before each further attempt must wait',
    ),
    LOGIN_THROTTLE_BASE_DELAY_MS: integer(1_000, 1, 3_600_000).describe(
      'the first wait; it doubles with each further failure',
    ),
    LOGIN_THROTTLE_MAX_DELAY_MS: integer(900_000, 1, 3_600_000).describe('the longest wait (15 min by default)'),
    LOGIN_MAX_FAILURES_PER_HOUR: integer(100, 1, 100_000).describe(
      'failures per account and hour after which clients that have failed on it are not heard until the hour moves on, except known clients (see docs/security.md)',
    ),
    AUTH_METRICS_HOST: host('127.0.0.1').describe(
      "address of the auth service's own HTTP server for `GET /metrics` and `/health/live`, `/health/ready`",
    ),
    AUTH_METRICS_PORT: integer(9464, 0, 65_535).describe('its port; `0` turns it off'),
    TOKEN_ISSUER: z
      .string()
      .trim()
      .min(1)
      .default(DEFAULT_TOKEN_ISSUER)
      .describe('`iss` of the access tokens issued; set the same on every verifier'),
    TOKEN_AUDIENCE: z
      .string()
      .trim()
      .min(1)
      .default(DEFAULT_TOKEN_AUDIENCE)
      .describe('`aud` of the access tokens issued; set the same on every verifier'),
    TOKEN_CLOCK_TOLERANCE: duration('30s', '0s', `${MAX_CLOCK_TOLERANCE_SECONDS}s`).describe(
      'how far clocks may disagree when `exp`, `nbf` and `iat` are checked (the auth service verifies access tokens again on session calls)',
    ),
    ACCESS_TOKEN_TTL: accessTokenTtl().describe(
      "access-token lifetime, never past the session's absolute expiry; set the same on every verifier, which refuses a token whose `exp - iat` is longer (plus `TOKEN_CLOCK_TOLERANCE`)",
    ),
    REFRESH_TOKEN_IDLE_TTL: duration('14d', '1s', '365d').describe(
      'a session ends after this long without a refresh (at most `REFRESH_TOKEN_ABSOLUTE_TTL`)',
    ),
    REFRESH_TOKEN_ABSOLUTE_TTL: duration('30d', '1s', '365d').describe(
      'a session ends this long after its login, whatever happens',
    ),
    REFRESH_TOKEN_REUSE_GRACE: duration('10s', '0s', '5m').describe(
      'a used refresh token presented again within this gets the same successor (two tabs refreshing at once); later it ends the session as stolen',
    ),
    SESSIONS_MAX_PER_USER: integer(100, 1, 10_000).describe(
      'active sessions a user may hold; a login beyond it ends the least recently used ones',
    ),
    SIGNING_KEY_ROTATION_INTERVAL: duration('30d', '1s', '3650d').describe(
      'a new signing key is added when the newest is this old (or on demand: `npm run keys:rotate`)',
    ),
    SIGNING_KEY_PUBLISH_LEAD: duration('2m', '0s', '1d').describe(
      "a new key is in the JWKS this long before it signs, so every gateway knows it before it sees a token (keep it above the gateway's `JWKS_REFRESH_INTERVAL`)",
    ),
    SIGNING_KEY_ENCRYPTION_SECRET: encryptionSecret,
    AUDIT_RETENTION: duration('90d', '1h', '3650d').describe(
      'stored audit events (`audit_events`) older than this are deleted by an hourly purge',
    ),
    ADMIN_REAUTH_MAX_AGE: duration('15m', '10s', '1d').describe(
      'admin routes need an access token whose password login (`auth_time`) is at most this old (step-up; else `401 REAUTHENTICATION_REQUIRED`)',
    ),
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
  /** `migrate`: whether the service migrates the schema at start (`auto`) or only checks that it is current (`off`). */
  readonly database: { url: string; migrate: 'auto' | 'off'; poolSize: number; connectTimeoutMs: number };
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
  readonly audit: { retentionMs: number };
  readonly admin: { reauthMaxAgeMs: number };
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
      migrate: env.DATABASE_MIGRATE,
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
    this.audit = { retentionMs: env.AUDIT_RETENTION };
    this.admin = { reauthMaxAgeMs: env.ADMIN_REAUTH_MAX_AGE };
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
