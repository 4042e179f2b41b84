import { randomBytes } from 'node:crypto';
import { type TestDatabase, usingPostgres } from './database';
import { HttpClient } from './http';
import { getFreePort } from './ports';
import type { AppProcess } from './processes';
import { scrapeMetrics } from './prometheus';
import { createAuthProcess, createGatewayProcess, LOCALHOST } from './system';
import { openTestRun } from './teardown';
import { type AuthLink, newAuthLink, testTransport } from './transport';

export const TEST_REDIS_URL_VARIABLE = 'TEST_REDIS_URL';

export function testRedisUrl(): string {
  return process.env[TEST_REDIS_URL_VARIABLE]?.trim() || 'redis://127.0.0.1:6379';
}

/**
 * Why the scale-out suites cannot run here, or undefined when they can: they need NATS and PostgreSQL
 * (and Redis), i.e. `npm run test:e2e:nats` (see docs/testing.md).
 */
export function scaleOutUnavailableReason(): string | undefined {
  if (testTransport() !== 'nats' || !usingPostgres()) {
    return 'needs NATS, PostgreSQL and Redis: run `npm run test:e2e:nats` (TEST_TRANSPORT=nats, TEST_DATABASE_URL)';
  }
  return undefined;
}

export interface ClusterAuth {
  readonly process: AppProcess;
  readonly metricsPort: number;
}

export interface ClusterGateway {
  readonly process: AppProcess;
  readonly port: number;
  readonly http: HttpClient;
}

export interface TestCluster {
  readonly suite: string;
  readonly workDir: string;
  readonly database: TestDatabase;
  readonly link: AuthLink;
  readonly auths: ClusterAuth[];
  readonly gateways: ClusterGateway[];
  /** The Redis key prefix every gateway of this cluster uses (its rate-limit counters, nobody else's). */
  readonly redisKeyPrefix: string;
  teardown(): Promise<void>;
}

export interface ClusterOptions {
  suite: string;
  authCount: number;
  gatewayCount: number;
  authEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
}

/**
 * Several auth instances on one NATS queue group and one PostgreSQL database, and several gateways sharing
 * one Redis: the production topology on one machine. The auth instances start at the same moment, so the
 * migrations and the first signing key are created by several instances at once.
 */
export async function startCluster(options: ClusterOptions): Promise<TestCluster> {
  const { suite } = options;
  return openTestRun(suite, async ({ workDir, database, cleanups, teardown }) => {
    const link = await newAuthLink('nats');
    const auths: ClusterAuth[] = [];
    for (let i = 1; i <= options.authCount; i++) {
      const metricsPort = await getFreePort(LOCALHOST);
      const process = createAuthProcess({
        suite,
        name: `auth-${i}`,
        cwd: workDir,
        link,
        databaseUrl: database.url,
        metricsPort,
        env: options.authEnv,
      });
      cleanups.add(() => process.stop());
      auths.push({ process, metricsPort });
    }
    await Promise.all(auths.map((auth) => auth.process.start()));

    const redisKeyPrefix = `e2e-${suite}-${randomBytes(4).toString('hex')}:`;
    const gateways: ClusterGateway[] = [];
    for (let i = 1; i <= options.gatewayCount; i++) {
      const port = await getFreePort(LOCALHOST);
      const process = createGatewayProcess({
        suite,
        name: `gateway-${i}`,
        cwd: workDir,
        port,
        link,
        env: { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: redisKeyPrefix, ...options.gatewayEnv },
      });
      cleanups.add(() => process.stop());
      await process.start();
      gateways.push({ process, port, http: new HttpClient(`http://${LOCALHOST}:${port}`) });
    }
    return { suite, workDir, database, link, auths, gateways, redisKeyPrefix, teardown };
  });
}

/** How many `pattern` messages this auth instance has answered with `outcome` (from its own /metrics). */
export async function handledBy(auth: ClusterAuth, pattern: string, outcome = 'ok'): Promise<number> {
  const metrics = await scrapeMetrics(`http://${LOCALHOST}:${auth.metricsPort}/metrics`);
  return metrics.value('auth_rpc_server_duration_seconds_count', { pattern, outcome }) ?? 0;
}
