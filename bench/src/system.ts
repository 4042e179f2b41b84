import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, httpOk, Managed, runToEnd } from './launcher';
import type { BenchOptions } from './options';

export const ROOT = resolve(__dirname, '..', '..');
/** The built `main.js` of `app` under `dist` (relative to the repository root, or absolute). */
export function appMain(dist: string, app: 'auth-microservice' | 'api-gateway'): string {
  return resolve(ROOT, dist, 'apps', app, 'main.js');
}
export const AUTH_MAIN = appMain('dist', 'auth-microservice');
export const GATEWAY_MAIN = appMain('dist', 'api-gateway');
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
  /** The auth service's environment and script, for its commands (users:seed). */
  authEnv: Record<string, string>;
  authMain: string;
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

  const authMain = appMain(options.dist, 'auth-microservice');
  const auth = launch('auth', authMain, authEnv);
  let gateway: Managed | undefined;
  const stop = async () => {
    await gateway?.stop();
    await auth.stop();
  };
  try {
    await auth.waitUntil(httpOk(`http://127.0.0.1:${metricsPort}/metrics`), 'serving metrics');
    gateway = launch('gateway', appMain(options.dist, 'api-gateway'), gatewayEnv);
    const baseUrl = `http://127.0.0.1:${gatewayPort}`;
    await gateway.waitUntil(httpOk(`${baseUrl}/api/health/ready`), 'ready');
    return { baseUrl, auth, gateway, authEnv, authMain, stop };
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
        system.authMain,
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

/** How to start each HTTP baseline: its source file, and the path it answers (A: `/`, C and P: `/api/auth/me`). */
const BASELINE_SERVERS = {
  'baseline-http': { file: 'baseline-server.ts', path: '/' },
  'baseline-nest': { file: 'baseline-nest.ts', path: '/api/auth/me' },
  'baseline-peer': { file: 'baseline-peer.ts', path: '/api/auth/me' },
} as const;

/**
 * An HTTP baseline in its own process (A: bare Fastify; C: empty NestJS app; P: the jose peer, which reads the JWKS at
 * `env.PEER_JWKS_URL`). Ready once `path` answers 200 (with `headers`: P needs a valid token for that).
 */
export async function startBaselineServer(
  workDir: string,
  name: keyof typeof BASELINE_SERVERS = 'baseline-http',
  { env = {}, headers = {} }: { env?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<{ url: string; server: Managed }> {
  const { file, path } = BASELINE_SERVERS[name];
  const port = await freePort();
  const server = Managed.spawn({
    name,
    args: ['-r', require.resolve('ts-node/register/transpile-only'), join(__dirname, file)],
    cwd: workDir,
    env: { ...env, PORT: String(port), TS_NODE_PROJECT: join(ROOT, 'bench', 'tsconfig.json') },
    logFile: join(workDir, `${name}.log`),
  });
  const url = `http://127.0.0.1:${port}`;
  await server.waitUntil(async () => {
    const response = await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  }, 'listening');
  return { url: `${url}/`, server };
}
