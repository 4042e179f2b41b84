import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './database';
import { HttpClient } from './http';
import { getFreePort } from './ports';
import {
  APP_LOG_LEVEL,
  AppProcess,
  AUTH_MAIN,
  GATEWAY_MAIN,
  httpResponseProbe,
  runNodeScript,
  type ScriptRun,
  tcpConnectProbe,
} from './processes';
import { describeError } from './util';

export const LOCALHOST = '127.0.0.1';

export interface SystemOptions {
  /** Suite name: used for log files, temp dirs and database names. */
  suite: string;
  /** Extra variables for the auth service (on top of host, port, database, log level). */
  authEnv?: Record<string, string>;
  /** Extra variables for the gateway. */
  gatewayEnv?: Record<string, string>;
}

export interface TestSystem {
  readonly suite: string;
  /** The suite's temp directory: working directory of both processes. */
  readonly workDir: string;
  readonly database: TestDatabase;
  readonly auth: AppProcess;
  readonly gateway: AppProcess;
  readonly authPort: number;
  /** The auth service's metrics port (`AUTH_METRICS_PORT`): `GET http://127.0.0.1:<port>/metrics`. */
  readonly authMetricsPort: number;
  readonly gatewayPort: number;
  readonly baseUrl: string;
  readonly http: HttpClient;
  /** Stops both processes, drops the database and removes the temp directory. Never throws twice. */
  teardown(): Promise<void>;
}

export function createAuthProcess(options: {
  suite: string;
  /** Name in log files; `auth` unless a suite runs more than one auth service. */
  name?: string;
  cwd: string;
  port: number;
  databaseUrl: string;
  /** AUTH_METRICS_PORT; 0 (the default here) turns it off, so no two auth processes contend for 9464. */
  metricsPort?: number;
  env?: Record<string, string>;
}): AppProcess {
  return new AppProcess({
    suite: options.suite,
    name: options.name ?? 'auth',
    script: AUTH_MAIN,
    cwd: options.cwd,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: APP_LOG_LEVEL,
      AUTH_TCP_HOST: LOCALHOST,
      AUTH_TCP_PORT: String(options.port),
      DATABASE_URL: options.databaseUrl,
      AUTH_METRICS_PORT: String(options.metricsPort ?? 0),
      ...options.env,
    },
    ready: { probe: tcpConnectProbe(LOCALHOST, options.port), port: options.port },
  });
}

export function createGatewayProcess(options: {
  suite: string;
  /** Name in log files; `gateway` unless a suite runs more than one gateway. */
  name?: string;
  cwd: string;
  port: number;
  authPort: number;
  env?: Record<string, string>;
}): AppProcess {
  return new AppProcess({
    suite: options.suite,
    name: options.name ?? 'gateway',
    script: GATEWAY_MAIN,
    cwd: options.cwd,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: APP_LOG_LEVEL,
      HOST: LOCALHOST,
      PORT: String(options.port),
      AUTH_TCP_HOST: LOCALHOST,
      AUTH_TCP_PORT: String(options.authPort),
      AUTH_RPC_TIMEOUT_MS: '5000',
      // Suites send far more requests from 127.0.0.1 than any real client; rate-limit.e2e-spec.ts turns it on.
      RATE_LIMIT_ENABLED: 'false',
      ...options.env,
    },
    ready: { probe: httpResponseProbe(`http://${LOCALHOST}:${options.port}/api/__ready_probe`), port: options.port },
  });
}

/**
 * Runs a command of the auth service (`node dist/apps/auth-microservice/main.js <args…>`, e.g. `keys:rotate`)
 * with exactly the environment `auth` was started with (database, key settings…) and waits for it to exit.
 */
export function runAuthCommand(
  system: Pick<TestSystem, 'suite' | 'workDir' | 'auth'>,
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<ScriptRun> {
  return runNodeScript({
    suite: system.suite,
    name: `auth-cli-${args.join('-').replace(/[^a-z0-9-]+/gi, '_')}`,
    script: AUTH_MAIN,
    args,
    cwd: system.workDir,
    env: { ...system.auth.env },
    timeoutMs,
  });
}

/**
 * A fresh database, an auth service on a free port and a gateway in front of it, both ready.
 * If anything fails while starting, what was started is torn down before the error is rethrown.
 */
export async function startSystem(options: SystemOptions): Promise<TestSystem> {
  const { suite } = options;
  const workDir = await mkdtemp(join(tmpdir(), `e2e-${suite}-`));
  const cleanups: Array<() => Promise<unknown>> = [() => rm(workDir, { recursive: true, force: true })];
  let tornDown: Promise<void> | undefined;
  const teardown = (): Promise<void> => {
    tornDown ??= (async () => {
      const problems: string[] = [];
      // Processes first (newest first), then the database, then the directory.
      for (const cleanup of [...cleanups].reverse()) {
        try {
          await cleanup();
        } catch (error) {
          problems.push(describeError(error));
        }
      }
      if (problems.length) {
        throw new Error(`Teardown of ${suite} had problems: ${problems.join('; ')}`);
      }
    })();
    return tornDown;
  };

  try {
    const database = await createTestDatabase(suite);
    cleanups.push(() => database.dispose());
    const authPort = await getFreePort(LOCALHOST);
    const authMetricsPort = await getFreePort(LOCALHOST);
    const gatewayPort = await getFreePort(LOCALHOST);

    const auth = createAuthProcess({
      suite,
      cwd: workDir,
      port: authPort,
      databaseUrl: database.url,
      metricsPort: authMetricsPort,
      env: options.authEnv,
    });
    cleanups.push(() => auth.stop());
    await auth.start();

    const gateway = createGatewayProcess({ suite, cwd: workDir, port: gatewayPort, authPort, env: options.gatewayEnv });
    cleanups.push(() => gateway.stop());
    await gateway.start();

    const baseUrl = `http://${LOCALHOST}:${gatewayPort}`;
    return {
      suite,
      workDir,
      database,
      auth,
      gateway,
      authPort,
      authMetricsPort,
      gatewayPort,
      baseUrl,
      http: new HttpClient(baseUrl),
      teardown,
    };
  } catch (error) {
    await teardown().catch(() => undefined);
    throw error;
  }
}
