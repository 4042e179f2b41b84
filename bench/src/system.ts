import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, httpOk, Managed, runToEnd } from './launcher';
import type { BenchOptions } from './options';

export const ROOT = resolve(__dirname, '..', '..');
export const AUTH_MAIN = join(ROOT, 'dist', 'apps', 'auth-microservice', 'main.js');
export const GATEWAY_MAIN = join(ROOT, 'dist', 'apps', 'api-gateway', 'main.js');
export const NATS_URL = 'nats://127.0.0.1:4222';

function benchNatsToken(): string {
  return process.env['NATS_TOKEN']?.trim() || 'bench-token';
}

/** argon2id parameters, read from the same variables as the auth service (with its defaults). */
export function argon2Parameters(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    ARGON2_MEMORY_KIB: env['ARGON2_MEMORY_KIB'] ?? '19456',
    ARGON2_TIME_COST: env['ARGON2_TIME_COST'] ?? '2',
    ARGON2_PARALLELISM: env['ARGON2_PARALLELISM'] ?? '1',
  };
}

export interface RunningSystem {
  /** `http://127.0.0.1:<port>` of the gateway. */
  baseUrl: string;
  auth: Managed;
  gateway: Managed;
  /** The auth service's environment, for its commands (users:seed). */
  authEnv: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the auth service and the gateway as a production deployment would run them (NODE_ENV=production, JSON
 * logs at `options.logLevel`, encrypted signing keys), on free loopback ports, with cwd in `workDir` so no `.env` is
 * read. Gateway rate limits are off (the bench is one client IP). Resolves once the gateway is ready (it has the
 * keys and the revocation feed, so it reaches the auth service).
 */
export async function startSystem(
  options: BenchOptions,
  settings: { workDir: string; databaseUrl: string; label: string },
): Promise<RunningSystem> {
  const [authPort, metricsPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const transport: Record<string, string> =
    options.transport === 'nats'
      ? // NODE_ENV=production refuses NATS without credentials: the bench's own (NATS_TOKEN), or one a local
        // nats-server without authorization ignores.
        { TRANSPORT: 'nats', NATS_URL, NATS_SUBJECT_PREFIX: `bench${process.pid}`, NATS_TOKEN: benchNatsToken() }
      : { TRANSPORT: 'tcp' };
  const common = { NODE_ENV: 'production', LOG_LEVEL: options.logLevel, ...transport };
  const authEnv = {
    ...common,
    // The bench measures logins and tokens, not mail (production needs SMTP_URL or this).
    MAIL_ENABLED: 'false',
    ...argon2Parameters(),
    DATABASE_URL: settings.databaseUrl,
    AUTH_TCP_HOST: '127.0.0.1',
    AUTH_TCP_PORT: String(authPort),
    AUTH_METRICS_HOST: '127.0.0.1',
    AUTH_METRICS_PORT: String(metricsPort),
    SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('base64url'),
  };
  const gatewayEnv = {
    ...common,
    HOST: '127.0.0.1',
    PORT: String(gatewayPort),
    AUTH_TCP_HOST: '127.0.0.1',
    AUTH_TCP_PORT: String(authPort),
    RATE_LIMIT_ENABLED: 'false',
  };
  const profileDir = join(resolve(options.outDir), 'profiles');
  const nodeFlags = (name: string) => {
    if (!options.profile) return [];
    mkdirSync(profileDir, { recursive: true });
    return ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${settings.label}-${name}.cpuprofile`];
  };
  const launch = (name: string, script: string, env: Record<string, string>) =>
    Managed.spawn({
      name: `${settings.label}/${name}`,
      args: [...nodeFlags(name), script],
      cwd: settings.workDir,
      env,
      logFile: join(settings.workDir, `${settings.label}-${name}.log`),
    });

  const auth = launch('auth', AUTH_MAIN, authEnv);
  let gateway: Managed | undefined;
  const stop = async () => {
    await gateway?.stop();
    await auth.stop();
  };
  try {
    await auth.waitUntil(httpOk(`http://127.0.0.1:${metricsPort}/metrics`), 'serving metrics');
    gateway = launch('gateway', GATEWAY_MAIN, gatewayEnv);
    const baseUrl = `http://127.0.0.1:${gatewayPort}`;
    await gateway.waitUntil(httpOk(`${baseUrl}/api/health/ready`), 'ready');
    return { baseUrl, auth, gateway, authEnv, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `main.js users:seed` with the service's environment (`--force`: the bench runs with NODE_ENV=production). */
export async function seedUsers(
  system: RunningSystem,
  workDir: string,
  seed: { count: number; prefix: string; password: string },
): Promise<void> {
  await runToEnd(
    {
      name: `users:seed ${seed.count}`,
      args: [
        AUTH_MAIN,
        'users:seed',
        String(seed.count),
        '--prefix',
        seed.prefix,
        '--password',
        seed.password,
        '--force',
      ],
      cwd: workDir,
      env: system.authEnv,
      logFile: join(workDir, `seed-${seed.prefix}.log`),
    },
    30 * 60_000,
  );
}

/** The bare Fastify server of baseline A, in its own process (see baseline-server.ts). */
export async function startBaselineServer(workDir: string): Promise<{ url: string; server: Managed }> {
  const port = await freePort();
  const server = Managed.spawn({
    name: 'baseline-http',
    args: ['-r', require.resolve('ts-node/register/transpile-only'), join(__dirname, 'baseline-server.ts')],
    cwd: workDir,
    env: { PORT: String(port), TS_NODE_PROJECT: join(ROOT, 'bench', 'tsconfig.json') },
    logFile: join(workDir, 'baseline-http.log'),
  });
  const url = `http://127.0.0.1:${port}/`;
  await server.waitUntil(httpOk(url), 'listening');
  return { url, server };
}
