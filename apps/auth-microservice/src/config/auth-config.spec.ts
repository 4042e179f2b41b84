import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@nestjs-microservices/runtime';
import { AuthConfig, authEnvSchema } from './auth-config';

const SECRET = 'a-secret-of-at-least-32-characters!!';
const load = (env: NodeJS.ProcessEnv) => new AuthConfig(loadConfig(authEnvSchema, env, ''));

describe('AuthConfig / authEnvSchema', () => {
  it('has working defaults for every setting', () => {
    expect(load({})).toEqual({
      nodeEnv: 'development',
      logLevel: 'log',
      shutdownTimeoutMs: 10_000,
      shutdownDrainDelayMs: 0,
      tcp: {
        host: '127.0.0.1',
        port: 3001,
        maxFrameBytes: 65_536,
        incompleteMessageTimeoutMs: 10_000,
        maxConnections: 256,
        idleTimeoutMs: 300_000,
      },
      transport: 'tcp',
      database: { url: 'sqlite:./data/auth.sqlite', migrate: 'auto', poolSize: 10, connectTimeoutMs: 2_000 },
      argon2: { memoryKib: 19_456, timeCost: 2, parallelism: 1 },
      loginThrottle: { threshold: 5, baseDelayMs: 1_000, maxDelayMs: 900_000, accountMaxFailures: 100 },
      metrics: { host: '127.0.0.1', port: 9464 },
      tokens: {
        issuer: 'urn:nestjs-microservices:auth',
        audience: 'urn:nestjs-microservices:api',
        clockToleranceSeconds: 30,
        accessTtlMs: 900_000,
        refreshIdleTtlMs: 14 * 86_400_000,
        refreshAbsoluteTtlMs: 30 * 86_400_000,
        reuseGraceMs: 10_000,
        maxSessionsPerUser: 100,
      },
      signingKeys: { rotationIntervalMs: 30 * 86_400_000, publishLeadMs: 120_000, encryptionSecret: undefined },
      audit: { retentionMs: 90 * 86_400_000 },
      admin: { reauthMaxAgeMs: 900_000 },
      mail: {
        enabled: true,
        from: 'Account service <no-reply@localhost>',
        appUrl: 'http://localhost:3000',
        dir: './data/mail',
        verificationTtlMs: 86_400_000,
        resetTtlMs: 600_000,
        resetMaxPerHour: 5,
        verificationMaxPerHour: 5,
        pollIntervalMs: 2_000,
        retryBaseDelayMs: 5_000,
        retryMaxDelayMs: 600_000,
        maxAttempts: 50,
        claimLeaseMs: 120_000,
        stuckAfterMs: 600_000,
        deletedUsernameHoldMs: 30 * 86_400_000,
      },
    });
  });

  it('reads the mail settings', () => {
    expect(
      load({
        MAIL_ENABLED: 'true',
        SMTP_URL: ' smtps://user:pw@mail.example.com:465 ',
        MAIL_FROM: 'Accounts <accounts@example.com>',
        APP_URL: 'https://app.example.com/',
        MAIL_DIR: '/var/mail/dev',
        EMAIL_VERIFICATION_TTL: '2h',
        PASSWORD_RESET_TTL: '15m',
        PASSWORD_RESET_MAX_PER_HOUR: '3',
        EMAIL_VERIFICATION_MAX_PER_HOUR: '4',
        MAIL_POLL_INTERVAL: '500ms',
        MAIL_RETRY_BASE_DELAY: '1s',
        MAIL_RETRY_MAX_DELAY: '1m',
        MAIL_MAX_ATTEMPTS: '7',
        MAIL_CLAIM_LEASE: '30s',
        MAIL_STUCK_AFTER: '5m',
        DELETED_USERNAME_HOLD: '0s',
      }).mail,
    ).toEqual({
      enabled: true,
      smtpUrl: 'smtps://user:pw@mail.example.com:465',
      from: 'Accounts <accounts@example.com>',
      appUrl: 'https://app.example.com',
      dir: '/var/mail/dev',
      verificationTtlMs: 7_200_000,
      resetTtlMs: 900_000,
      resetMaxPerHour: 3,
      verificationMaxPerHour: 4,
      pollIntervalMs: 500,
      retryBaseDelayMs: 1_000,
      retryMaxDelayMs: 60_000,
      maxAttempts: 7,
      claimLeaseMs: 30_000,
      stuckAfterMs: 300_000,
      deletedUsernameHoldMs: 0,
    });
  });

  it.each([
    ['an http URL', { SMTP_URL: 'http://mail.example.com' }, 'SMTP_URL'],
    ['an APP_URL with a query', { APP_URL: 'https://app.example.com/?x=1' }, 'APP_URL'],
    ['production without SMTP_URL', { NODE_ENV: 'production', SIGNING_KEY_ENCRYPTION_SECRET: SECRET }, 'SMTP_URL'],
  ])('refuses %s', (_label, env, variable) => {
    expect(() => load(env)).toThrow(new RegExp(`${variable}: `));
  });

  it('starts in production without SMTP_URL when mail is switched off explicitly', () => {
    const config = load({ NODE_ENV: 'production', SIGNING_KEY_ENCRYPTION_SECRET: SECRET, MAIL_ENABLED: 'false' });
    expect(config.mail.enabled).toBe(false);
    expect(config.mail.smtpUrl).toBeUndefined();
  });

  it('reads and coerces every variable', () => {
    const config = load({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '2500',
      SHUTDOWN_DRAIN_DELAY: '3s',
      AUTH_TCP_HOST: ' 0.0.0.0 ',
      AUTH_TCP_PORT: '4001',
      AUTH_TCP_MAX_FRAME_BYTES: '65536',
      AUTH_TCP_INCOMPLETE_MESSAGE_TIMEOUT_MS: '500',
      AUTH_TCP_MAX_CONNECTIONS: '8',
      AUTH_TCP_IDLE_TIMEOUT_MS: '60000',
      DATABASE_URL: 'postgres://user:pw@db:5432/auth',
      DATABASE_MIGRATE: 'off',
      DATABASE_POOL_SIZE: '5',
      DATABASE_CONNECT_TIMEOUT: '750ms',
      TRANSPORT: 'nats',
      NATS_URL: 'tls://nats.internal:4222',
      NATS_USER: 'auth',
      NATS_PASSWORD: 'pw',
      NATS_QUEUE: 'auth-eu',
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_TIME_COST: '3',
      ARGON2_PARALLELISM: '4',
      LOGIN_THROTTLE_THRESHOLD: '3',
      LOGIN_THROTTLE_BASE_DELAY_MS: '500',
      LOGIN_THROTTLE_MAX_DELAY_MS: '60000',
      LOGIN_MAX_FAILURES_PER_HOUR: '20',
      AUTH_METRICS_HOST: ' 0.0.0.0 ',
      AUTH_METRICS_PORT: '9100',
      TOKEN_ISSUER: 'https://auth.example.com',
      TOKEN_AUDIENCE: 'https://api.example.com',
      TOKEN_CLOCK_TOLERANCE: '5s',
      ACCESS_TOKEN_TTL: '5m',
      REFRESH_TOKEN_IDLE_TTL: '1d',
      REFRESH_TOKEN_ABSOLUTE_TTL: '7d',
      REFRESH_TOKEN_REUSE_GRACE: '0s',
      SESSIONS_MAX_PER_USER: '25',
      SIGNING_KEY_ROTATION_INTERVAL: '90d',
      SIGNING_KEY_PUBLISH_LEAD: '10m',
      AUDIT_RETENTION: '30d',
      ADMIN_REAUTH_MAX_AGE: '5m',
      SIGNING_KEY_ENCRYPTION_SECRET: SECRET,
      MAIL_ENABLED: 'false',
    });

    expect(config).toEqual({
      nodeEnv: 'production',
      logLevel: 'warn',
      shutdownTimeoutMs: 2_500,
      shutdownDrainDelayMs: 3_000,
      tcp: {
        host: '0.0.0.0',
        port: 4001,
        maxFrameBytes: 65_536,
        incompleteMessageTimeoutMs: 500,
        maxConnections: 8,
        idleTimeoutMs: 60_000,
      },
      transport: 'nats',
      nats: {
        servers: ['tls://nats.internal:4222'],
        user: 'auth',
        pass: 'pw',
        subjectPrefix: '',
        queue: 'auth-eu',
      },
      database: { url: 'postgres://user:pw@db:5432/auth', migrate: 'off', poolSize: 5, connectTimeoutMs: 750 },
      argon2: { memoryKib: 65_536, timeCost: 3, parallelism: 4 },
      loginThrottle: { threshold: 3, baseDelayMs: 500, maxDelayMs: 60_000, accountMaxFailures: 20 },
      metrics: { host: '0.0.0.0', port: 9100 },
      tokens: {
        issuer: 'https://auth.example.com',
        audience: 'https://api.example.com',
        clockToleranceSeconds: 5,
        accessTtlMs: 300_000,
        refreshIdleTtlMs: 86_400_000,
        refreshAbsoluteTtlMs: 7 * 86_400_000,
        reuseGraceMs: 0,
        maxSessionsPerUser: 25,
      },
      signingKeys: { rotationIntervalMs: 90 * 86_400_000, publishLeadMs: 600_000, encryptionSecret: SECRET },
      audit: { retentionMs: 30 * 86_400_000 },
      admin: { reauthMaxAgeMs: 300_000 },
      mail: expect.objectContaining({ enabled: false }),
    });
    expect(config.accessTokenHorizonMs).toBe(305_000);
  });

  it('requires SIGNING_KEY_ENCRYPTION_SECRET in production, and a long one', () => {
    expect(() => load({ NODE_ENV: 'production', MAIL_ENABLED: 'false' })).toThrow(
      /SIGNING_KEY_ENCRYPTION_SECRET.*required in production/,
    );
    expect(() => load({ SIGNING_KEY_ENCRYPTION_SECRET: 'short' })).toThrow(
      /SIGNING_KEY_ENCRYPTION_SECRET.*at least 32 characters/,
    );
  });

  it('reads AUTH_TLS_ALLOWED_CLIENTS as a list, and refuses it without mutual TLS', () => {
    expect(() => load({ AUTH_TLS_ALLOWED_CLIENTS: 'gateway' })).toThrow(/AUTH_TLS_ALLOWED_CLIENTS.*needs mutual TLS/);
    expect(load({}).tcp.allowedClients).toBeUndefined();
  });

  it('refuses an idle expiry longer than the absolute one, naming it', () => {
    expect(() => load({ REFRESH_TOKEN_IDLE_TTL: '31d' })).toThrow(
      /REFRESH_TOKEN_IDLE_TTL.*must not be longer than REFRESH_TOKEN_ABSOLUTE_TTL/,
    );
  });

  it.each([
    ['ACCESS_TOKEN_TTL', '15'],
    ['ACCESS_TOKEN_TTL', '2d'],
    ['TOKEN_CLOCK_TOLERANCE', '31s'],
    ['REFRESH_TOKEN_REUSE_GRACE', '1h'],
    ['SESSIONS_MAX_PER_USER', '0'],
  ])('refuses %s=%p, naming it', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(new RegExp(name));
  });

  it.each(['sqlite::memory:', 'sqlite:/var/lib/auth.sqlite', 'postgresql://h/db', ' sqlite:./x.db '])(
    'accepts DATABASE_URL=%p',
    (url) => {
      expect(load({ DATABASE_URL: url }).database.url).toBe(url.trim());
    },
  );

  it('accepts AUTH_METRICS_PORT=0 (metrics off)', () => {
    expect(load({ AUTH_METRICS_PORT: '0' }).metrics).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it.each([
    ['SHUTDOWN_TIMEOUT_MS', '99'],
    ['SHUTDOWN_DRAIN_DELAY', '5'],
    ['DATABASE_MIGRATE', 'sometimes'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'sqlite:'],
    ['DATABASE_URL', 'postgres://'],
    ['DATABASE_URL', './auth.sqlite'],
    ['AUTH_TCP_PORT', '0'],
    ['AUTH_TCP_PORT', '65536'],
    ['AUTH_TCP_HOST', '  '],
    ['AUTH_METRICS_HOST', '  '],
    ['AUTH_METRICS_PORT', '-1'],
    ['AUTH_METRICS_PORT', '65536'],
    ['AUTH_METRICS_PORT', 'off'],
    ['AUTH_TCP_MAX_FRAME_BYTES', '1023'],
    ['AUTH_TCP_MAX_FRAME_BYTES', '2097152'],
    ['DATABASE_POOL_SIZE', '0'],
    ['DATABASE_CONNECT_TIMEOUT', '2000'],
    ['NATS_QUEUE', 'auth service'],
    ['ARGON2_MEMORY_KIB', '8191'],
    ['ARGON2_TIME_COST', '0'],
    ['ARGON2_PARALLELISM', '1.5'],
    ['LOG_LEVEL', 'trace'],
    ['NODE_ENV', 'staging'],
  ])('rejects %s=%p, naming the variable', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(new RegExp(`: ${name}: `));
  });
});

describe('AuthConfig mutual TLS settings', () => {
  const file = (name: string, content: string): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'auth-config-tls-')), name);
    writeFileSync(path, content);
    return path;
  };

  it('is off when none of the three files is set', () => {
    expect(load({}).tcp.tls).toBeUndefined();
  });

  it('reads the three files when all are set', () => {
    const tls = load({
      AUTH_TLS_CA: file('ca.crt', 'CA'),
      AUTH_TLS_CERT: file('a.crt', 'CERT'),
      AUTH_TLS_KEY: file('a.key', 'KEY'),
    }).tcp.tls;
    expect([tls?.ca.toString(), tls?.cert.toString(), tls?.key.toString()]).toEqual(['CA', 'CERT', 'KEY']);
  });

  it('names the missing variables when only some are set', () => {
    expect(() => load({ AUTH_TLS_CERT: file('a.crt', 'CERT') })).toThrow(
      new ConfigError(
        'Invalid configuration: AUTH_TLS_CA, AUTH_TLS_KEY: required when any of AUTH_TLS_CA, AUTH_TLS_CERT, AUTH_TLS_KEY is set (mutual TLS)',
      ),
    );
  });

  it('names the variable whose file cannot be read', () => {
    expect(() =>
      load({
        AUTH_TLS_CA: file('ca.crt', 'CA'),
        AUTH_TLS_CERT: '/nonexistent/a.crt',
        AUTH_TLS_KEY: file('a.key', 'KEY'),
      }),
    ).toThrow(/^Invalid configuration: AUTH_TLS_CERT: cannot read \/nonexistent\/a.crt/);
  });
});
