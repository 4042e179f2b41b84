import { ConfigError, loadConfig } from '@nestjs-microservices/runtime';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '@nestjs-microservices/shared';
import { GatewayConfig, gatewayEnvSchema } from './gateway-config';

const load = (env: NodeJS.ProcessEnv) => new GatewayConfig(loadConfig(gatewayEnvSchema, env, ''));

describe('GatewayConfig / gatewayEnvSchema', () => {
  it('has working defaults for every setting', () => {
    expect(load({})).toEqual({
      nodeEnv: 'development',
      logLevel: 'log',
      shutdownTimeoutMs: 10_000,
      shutdownDrainDelayMs: 0,
      http: {
        host: '0.0.0.0',
        port: 3000,
        bodyLimitBytes: 16_384,
        requestTimeoutMs: 10_000,
        trustedProxies: [],
        corsOrigins: [],
      },
      rateLimit: {
        enabled: true,
        routes: {
          signup: { limit: 10, ttlMs: 60_000 },
          login: { limit: 20, ttlMs: 60_000 },
          refresh: { limit: 60, ttlMs: 60_000 },
          password: { limit: 10, ttlMs: 60_000 },
          admin: { limit: 120, ttlMs: 60_000 },
          recovery: { limit: 5, ttlMs: 60_000 },
        },
      },
      auth: { host: '127.0.0.1', port: 3001, timeoutMs: 5_000 },
      transport: 'tcp',
      health: { timeoutMs: 1_000 },
      tokens: {
        issuer: DEFAULT_TOKEN_ISSUER,
        audience: DEFAULT_TOKEN_AUDIENCE,
        clockToleranceSeconds: 30,
        accessTtlMs: 900_000,
        verifiedCacheSize: 10_000,
      },
      jwks: { refreshIntervalMs: 60_000, refetchCooldownMs: 5_000 },
      revocationSync: { intervalMs: 1_000, staleAfterMs: 5_000 },
      revocationFeed: {},
      docs: { enabled: true },
      metrics: { enabled: true, host: '127.0.0.1' },
    });
  });

  it('reads and coerces every variable', () => {
    const config = load({
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '2500',
      HOST: '127.0.0.1',
      PORT: '8080',
      AUTH_TCP_HOST: ' auth.internal ',
      AUTH_TCP_PORT: '4001',
      AUTH_RPC_TIMEOUT_MS: '100',
      HTTP_BODY_LIMIT_BYTES: '1024',
      HEALTH_TIMEOUT_MS: '250',
      HTTP_REQUEST_TIMEOUT_MS: '3000',
      TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16,::1',
      CORS_ORIGINS: 'https://app.example,http://localhost:5173',
      RATE_LIMIT_ENABLED: 'false',
      DOCS_ENABLED: 'false',
      METRICS_ENABLED: 'no',
      METRICS_HOST: '10.0.0.5',
      METRICS_PORT: '9100',
      RATE_LIMIT_SIGNUP_LIMIT: '2',
      RATE_LIMIT_SIGNUP_TTL_MS: '5000',
      RATE_LIMIT_LOGIN_LIMIT: '4',
      RATE_LIMIT_LOGIN_TTL_MS: '6000',
      RATE_LIMIT_REFRESH_LIMIT: '7',
      RATE_LIMIT_REFRESH_TTL_MS: '8000',
      RATE_LIMIT_PASSWORD_LIMIT: '3',
      RATE_LIMIT_PASSWORD_TTL_MS: '9000',
      RATE_LIMIT_ADMIN_LIMIT: '7',
      RATE_LIMIT_ADMIN_TTL_MS: '8000',
      RATE_LIMIT_RECOVERY_LIMIT: '4',
      RATE_LIMIT_RECOVERY_TTL_MS: '8000',
      TOKEN_ISSUER: ' https://auth.example ',
      TOKEN_AUDIENCE: 'https://api.example',
      TOKEN_CLOCK_TOLERANCE: '1500ms',
      ACCESS_TOKEN_TTL: '5m',
      JWKS_REFRESH_INTERVAL: '5m',
      JWKS_REFETCH_COOLDOWN: '10s',
      REVOCATION_SYNC_INTERVAL: '500ms',
      REVOCATION_FEED_TOKEN: 'feed-token-0123456789abcdef0123456789',
      REVOCATION_SYNC_STALE_AFTER: '1m',
      VERIFIED_TOKEN_CACHE_SIZE: '0',
      TRANSPORT: 'nats',
      NATS_URL: 'nats://n1:4222, nats://n2:4222',
      NATS_TOKEN: 's3cret',
      NATS_SUBJECT_PREFIX: 'acme',
      REDIS_URL: 'redis://:pw@cache:6379/2',
      REDIS_KEY_PREFIX: 'acme:',
    });

    expect(config).toEqual({
      nodeEnv: 'test',
      logLevel: 'debug',
      shutdownTimeoutMs: 2_500,
      shutdownDrainDelayMs: 0,
      http: {
        host: '127.0.0.1',
        port: 8080,
        bodyLimitBytes: 1_024,
        requestTimeoutMs: 3_000,
        trustedProxies: ['10.0.0.1', '10.1.0.0/16', '::1'],
        corsOrigins: ['https://app.example', 'http://localhost:5173'],
      },
      rateLimit: {
        enabled: false,
        routes: {
          signup: { limit: 2, ttlMs: 5_000 },
          login: { limit: 4, ttlMs: 6_000 },
          refresh: { limit: 7, ttlMs: 8_000 },
          password: { limit: 3, ttlMs: 9_000 },
          admin: { limit: 7, ttlMs: 8_000 },
          recovery: { limit: 4, ttlMs: 8_000 },
        },
      },
      auth: { host: 'auth.internal', port: 4001, timeoutMs: 100 },
      transport: 'nats',
      nats: { servers: ['nats://n1:4222', 'nats://n2:4222'], token: 's3cret', subjectPrefix: 'acme' },
      redis: { url: 'redis://:pw@cache:6379/2', keyPrefix: 'acme:' },
      health: { timeoutMs: 250 },
      tokens: {
        issuer: 'https://auth.example',
        audience: 'https://api.example',
        clockToleranceSeconds: 1.5,
        accessTtlMs: 300_000,
        verifiedCacheSize: 0,
      },
      jwks: { refreshIntervalMs: 300_000, refetchCooldownMs: 10_000 },
      revocationSync: { intervalMs: 500, staleAfterMs: 60_000 },
      revocationFeed: { token: 'feed-token-0123456789abcdef0123456789' },
      docs: { enabled: false },
      metrics: { enabled: false, host: '10.0.0.5', port: 9100 },
    });
  });

  it.each([
    ['SHUTDOWN_TIMEOUT_MS', '99'],
    ['TRUSTED_PROXIES', '10.0.0.1,not-an-ip'],
    ['TRUSTED_PROXIES', '10.0.0.0/33'],
    ['CORS_ORIGINS', 'https://app.example/path'],
    ['CORS_ORIGINS', '*'],
    ['RATE_LIMIT_ENABLED', 'maybe'],
    ['RATE_LIMIT_LOGIN_LIMIT', '0'],
    ['HTTP_REQUEST_TIMEOUT_MS', '999'],
    ['PORT', '0'],
    ['PORT', '65536'],
    ['PORT', 'http'],
    ['HOST', ''],
    ['AUTH_TCP_PORT', '-1'],
    ['AUTH_RPC_TIMEOUT_MS', '99'],
    ['AUTH_RPC_TIMEOUT_MS', '60001'],
    ['AUTH_RPC_TIMEOUT_MS', '250.5'],
    ['HTTP_BODY_LIMIT_BYTES', '1023'],
    ['HTTP_BODY_LIMIT_BYTES', '1048577'],
    ['HEALTH_TIMEOUT_MS', '99'],
    ['HEALTH_TIMEOUT_MS', '10001'],
    ['LOG_LEVEL', 'silly'],
    ['NODE_ENV', 'prod'],
    ['RATE_LIMIT_REFRESH_LIMIT', '0'],
    ['RATE_LIMIT_PASSWORD_TTL_MS', '999'],
    ['TOKEN_ISSUER', ' '],
    ['TOKEN_AUDIENCE', ''],
    ['TOKEN_CLOCK_TOLERANCE', '31s'],
    ['TOKEN_CLOCK_TOLERANCE', '30'],
    ['ACCESS_TOKEN_TTL', '15'],
    ['ACCESS_TOKEN_TTL', '2d'],
    ['JWKS_REFRESH_INTERVAL', '500ms'],
    ['JWKS_REFETCH_COOLDOWN', 'soon'],
    ['REVOCATION_SYNC_INTERVAL', '2m'],
    ['REVOCATION_SYNC_STALE_AFTER', '1s'],
    ['VERIFIED_TOKEN_CACHE_SIZE', '-1'],
    ['TRANSPORT', 'grpc'],
    ['NATS_URL', 'http://nats:4222'],
    ['NATS_URL', ' , '],
    ['NATS_SUBJECT_PREFIX', 'a.b'],
    ['REDIS_URL', 'cache:6379'],
    ['DOCS_ENABLED', 'maybe'],
    ['METRICS_ENABLED', ''],
    ['METRICS_PORT', '0'],
    ['METRICS_PORT', '3000'],
  ])('rejects %s=%p, naming the variable', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(new RegExp(`: ${name}: `));
  });

  it('accepts a clock tolerance of 0 and refuses a revocation list that goes stale before its next sync', () => {
    expect(load({ TOKEN_CLOCK_TOLERANCE: '0s' }).tokens.clockToleranceSeconds).toBe(0);
    expect(() => load({ REVOCATION_SYNC_INTERVAL: '10s', REVOCATION_SYNC_STALE_AFTER: '10s' })).toThrow(
      'REVOCATION_SYNC_STALE_AFTER: must be longer than REVOCATION_SYNC_INTERVAL',
    );
  });

  it('serves docs by default except with NODE_ENV=production, where DOCS_ENABLED=true turns them on', () => {
    expect(load({ NODE_ENV: 'test' }).docs.enabled).toBe(true);
    expect(load({ NODE_ENV: 'production' }).docs.enabled).toBe(false);
    expect(load({ NODE_ENV: 'production', DOCS_ENABLED: 'true' }).docs.enabled).toBe(true);
    expect(load({ NODE_ENV: 'development', DOCS_ENABLED: 'false' }).docs.enabled).toBe(false);
    expect(load({ NODE_ENV: 'production' }).metrics).toEqual({ enabled: true, host: '127.0.0.1' });
  });
});
