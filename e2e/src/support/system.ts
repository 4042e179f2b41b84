import type { TestDatabase } from './database';
import { HttpClient } from './http';
import { getFreePort } from './ports';
import {
  APP_LOG_LEVEL,
  AppProcess,
  AUTH_MAIN,
  EXAMPLE_MAIN,
  GATEWAY_MAIN,
  httpOkProbe,
  httpResponseProbe,
  runNodeScript,
  type ScriptRun,
  tcpConnectProbe,
} from './processes';
import { openTestRun } from './teardown';
import { type AuthLink, linkEnvironment, newAuthLink, type TransportKind } from './transport';

export const LOCALHOST = '127.0.0.1';

export interface SystemOptions {
  /** Suite name: used for log files, temp dirs and database names. */
  suite: string;
  /** Extra variables for the auth service (on top of host, port, database, log level). */
  authEnv?: Record<string, string>;
  /** Extra variables for the gateway. */
  gatewayEnv?: Record<string, string>;
  /** The link between them: TEST_TRANSPORT (TCP by default); suites about the TCP port itself say `tcp`. */
  transport?: TransportKind;
  /** A link of the suite's own making (e.g. NATS through a proxy it can cut); overrides `transport`. */
  link?: AuthLink;
  /** What the auth service is given as DATABASE_URL, from the fresh database's URL (e.g. through a proxy). */
  databaseUrlForAuth?: (url: string) => string;
}

export interface TestSystem {
  readonly suite: string;
  /** The suite's temp directory: working directory of both processes. */
  readonly workDir: string;
  readonly database: TestDatabase;
  readonly auth: AppProcess;
  readonly gateway: AppProcess;
  /** How the gateway reaches the auth service: give it to any further gateway or auth process of the suite. */
  readonly link: AuthLink;
  /** The auth service's TCP port (TCP link), or 0 (NATS link: no port of its own). */
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
  link: AuthLink;
  databaseUrl: string;
  /**
   * AUTH_METRICS_PORT; 0 (the default here) turns it off, so no two auth processes contend for 9464.
   * Required on a NATS link: readiness is its `GET /health/ready` (the process has no port of its own).
   */
  metricsPort?: number;
  env?: Record<string, string>;
}): AppProcess {
  const { link, metricsPort = 0 } = options;
  if (link.transport === 'nats' && !metricsPort) throw new Error('An auth process on NATS needs a metricsPort');
  return new AppProcess({
    suite: options.suite,
    name: options.name ?? 'auth',
    script: AUTH_MAIN,
    cwd: options.cwd,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: APP_LOG_LEVEL,
      ...linkEnvironment(link, LOCALHOST),
      DATABASE_URL: options.databaseUrl,
      AUTH_METRICS_PORT: String(metricsPort),
      ...options.env,
    },
    ready:
      link.transport === 'tcp'
        ? { probe: tcpConnectProbe(LOCALHOST, link.port), port: link.port }
        : { probe: httpOkProbe(`http://${LOCALHOST}:${metricsPort}/health/ready`), port: metricsPort },
  });
}

export function createGatewayProcess(options: {
  suite: string;
  /** Name in log files; `gateway` unless a suite runs more than one gateway. */
  name?: string;
  cwd: string;
  port: number;
  link: AuthLink;
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
      ...linkEnvironment(options.link, LOCALHOST),
      AUTH_RPC_TIMEOUT_MS: '5000',
      // Suites send far more requests from 127.0.0.1 than any real client; rate-limit.e2e-spec.ts turns it on.
      RATE_LIMIT_ENABLED: 'false',
      ...options.env,
    },
    ready: { probe: httpResponseProbe(`http://${LOCALHOST}:${options.port}/api/__ready_probe`), port: options.port },
  });
}

/**
 * The example resource service (`apps/example-service`), protected only by `@nestjs-microservices/nest-auth`:
 * keys from `gatewayUrl`'s JWKS, revocations from its feed when `feedToken` is given, notes in `cwd`.
 */
export function createExampleProcess(options: {
  suite: string;
  name?: string;
  cwd: string;
  port: number;
  gatewayUrl: string;
  feedToken?: string;
  env?: Record<string, string>;
}): AppProcess {
  return new AppProcess({
    suite: options.suite,
    name: options.name ?? 'example',
    script: EXAMPLE_MAIN,
    cwd: options.cwd,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: APP_LOG_LEVEL,
      HOST: LOCALHOST,
      PORT: String(options.port),
      GATEWAY_URL: options.gatewayUrl,
      NOTES_DATABASE_PATH: 'notes/notes.sqlite',
      ...(options.feedToken !== undefined && { REVOCATION_FEED_TOKEN: options.feedToken }),
      ...options.env,
    },
    ready: { probe: httpResponseProbe(`http://${LOCALHOST}:${options.port}/api/health`), port: options.port },
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
  return openTestRun(suite, async ({ workDir, database, cleanups, teardown }) => {
    const link = options.link ?? (await newAuthLink(options.transport));
    const authMetricsPort = await getFreePort(LOCALHOST);
    const gatewayPort = await getFreePort(LOCALHOST);

    const auth = createAuthProcess({
      suite,
      cwd: workDir,
      link,
      databaseUrl: options.databaseUrlForAuth?.(database.url) ?? database.url,
      metricsPort: authMetricsPort,
      env: options.authEnv,
    });
    cleanups.add(() => auth.stop());
    await auth.start();

    const gateway = createGatewayProcess({ suite, cwd: workDir, port: gatewayPort, link, env: options.gatewayEnv });
    cleanups.add(() => gateway.stop());
    await gateway.start();

    const baseUrl = `http://${LOCALHOST}:${gatewayPort}`;
    return {
      suite,
      workDir,
      database,
      auth,
      gateway,
      link,
      authPort: link.transport === 'tcp' ? link.port : 0,
      authMetricsPort,
      gatewayPort,
      baseUrl,
      http: new HttpClient(baseUrl),
      teardown,
    };
  });
}
