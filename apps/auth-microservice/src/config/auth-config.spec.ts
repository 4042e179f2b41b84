import { ConfigError, loadConfig } from '@nestjs-microservices/runtime';
import { AuthConfig, authEnvSchema } from './auth-config';

const load = (env: NodeJS.ProcessEnv) => new AuthConfig(loadConfig(authEnvSchema, env, ''));

describe('AuthConfig / authEnvSchema', () => {
  it('has working defaults for every setting', () => {
    expect(load({})).toEqual({
      nodeEnv: 'development',
      logLevel: 'log',
      shutdownTimeoutMs: 10_000,
      tcp: { host: '127.0.0.1', port: 3001, maxFrameBytes: 65_536, incompleteMessageTimeoutMs: 10_000 },
      database: { url: 'sqlite:./data/auth.sqlite', poolSize: 10 },
      argon2: { memoryKib: 19_456, timeCost: 2, parallelism: 1 },
      metrics: { host: '127.0.0.1', port: 9464 },
    });
  });

  it('reads and coerces every variable', () => {
    const config = load({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '2500',
      AUTH_TCP_HOST: ' 0.0.0.0 ',
      AUTH_TCP_PORT: '4001',
      AUTH_TCP_MAX_FRAME_BYTES: '65536',
      AUTH_TCP_INCOMPLETE_MESSAGE_TIMEOUT_MS: '500',
      DATABASE_URL: 'postgres://user:pw@db:5432/auth',
      DATABASE_POOL_SIZE: '5',
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_TIME_COST: '3',
      ARGON2_PARALLELISM: '4',
      AUTH_METRICS_HOST: ' 0.0.0.0 ',
      AUTH_METRICS_PORT: '9100',
    });

    expect(config).toEqual({
      nodeEnv: 'production',
      logLevel: 'warn',
      shutdownTimeoutMs: 2_500,
      tcp: { host: '0.0.0.0', port: 4001, maxFrameBytes: 65_536, incompleteMessageTimeoutMs: 500 },
      database: { url: 'postgres://user:pw@db:5432/auth', poolSize: 5 },
      argon2: { memoryKib: 65_536, timeCost: 3, parallelism: 4 },
      metrics: { host: '0.0.0.0', port: 9100 },
    });
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
