/**
 * The health routes over real processes: liveness never depends on the auth service; readiness
 * follows it (stopped, frozen, back) and, on PostgreSQL, its database.
 */
import { withPgClient } from './support/database';
import { describeResponse, type HttpResponse } from './support/http';
import { startSystem, type TestSystem } from './support/system';
import { pollUntil } from './support/util';

const HEALTH_TIMEOUT_MS = 1_000;
const NO_CACHE = 'no-cache, no-store, must-revalidate';

type Checks = Record<string, { status: string; code?: string; message?: string }>;
interface HealthBody {
  status: string;
  info: Checks;
  error: Checks;
  details: Checks;
}

function healthBody(response: HttpResponse, status: number): HealthBody {
  if (response.status !== status) throw new Error(`expected HTTP ${status}: ${describeResponse(response)}`);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(response.headers.get('cache-control')).toBe(NO_CACHE);
  expect(response.body).toEqual({
    status: expect.any(String),
    info: expect.any(Object),
    error: expect.any(Object),
    details: expect.any(Object),
  });
  return response.body as HealthBody;
}

describe('health routes', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const live = () => sys().http.get('/api/health/live');
  const ready = () => sys().http.get('/api/health/ready');
  const readyUntil = (status: number, timeoutMs: number): Promise<HttpResponse> =>
    pollUntil(
      async () => {
        const response = await ready();
        if (response.status === status) return response;
        throw new Error(describeResponse(response));
      },
      { timeoutMs, intervalMs: 200, description: `HTTP ${status} from GET /api/health/ready` },
    );

  beforeAll(async () => {
    system = await startSystem({ suite: 'health', gatewayEnv: { HEALTH_TIMEOUT_MS: String(HEALTH_TIMEOUT_MS) } });
  });

  afterEach(() => {
    if (system?.auth.isPaused) system.auth.resume();
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('live: 200 with no checks', async () => {
    expect(healthBody(await live(), 200)).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('ready: 200 with the auth service and its database up, signing keys loaded, revocations in sync', async () => {
    const body = healthBody(await ready(), 200);

    expect(body).toMatchObject({ status: 'ok', error: {} });
    expect(body.details).toEqual({
      auth: { status: 'up', durationMs: expect.any(Number) },
      database: { status: 'up', durationMs: expect.any(Number) },
      signingKeys: { status: 'up', keys: 1 },
      revocations: { status: 'up', lastSyncAgeMs: expect.any(Number) },
    });
    // REVOCATION_SYNC_INTERVAL is 1 s by default: the last sync is recent.
    expect((body.details['revocations'] as unknown as { lastSyncAgeMs: number }).lastSyncAgeMs).toBeLessThan(5_000);
    expect(body.info).toEqual(body.details);
  });

  it('auth service stopped → ready 503 naming the auth check, within 1 s; live still 200', async () => {
    await sys().auth.stop();

    const response = await ready();
    const body = healthBody(response, 503);
    expect(body.status).toBe('error');
    expect(body.error).toEqual({
      auth: { status: 'down', code: 'AUTH_UNAVAILABLE', message: expect.any(String), durationMs: expect.any(Number) },
    });
    expect(response.durationMs).toBeLessThan(1_000);
    expect(healthBody(await live(), 200).status).toBe('ok');
  });

  it('auth service started again → ready 200 again', async () => {
    if (!sys().auth.isRunning()) await sys().auth.start();

    expect(healthBody(await readyUntil(200, 10_000), 200).status).toBe('ok');
  });

  it(`auth service frozen (SIGSTOP) → ready 503 naming the auth check after ~${HEALTH_TIMEOUT_MS} ms (< 2 s)`, async () => {
    if (!sys().auth.isRunning()) await sys().auth.start();
    await readyUntil(200, 10_000);
    sys().auth.pause();

    const response = await ready();

    const body = healthBody(response, 503);
    expect(body.error).toEqual({ auth: expect.objectContaining({ status: 'down', code: 'UPSTREAM_TIMEOUT' }) });
    expect(body.details).not.toHaveProperty('database');
    expect({
      durationMs: Math.round(response.durationMs),
      inWindow: response.durationMs >= 900 && response.durationMs < 2_000,
    }).toEqual({
      durationMs: expect.any(Number),
      inWindow: true,
    });
    const liveWhileFrozen = await live();
    expect(healthBody(liveWhileFrozen, 200).status).toBe('ok');
    expect(liveWhileFrozen.durationMs).toBeLessThan(500);
  });

  it('auth service resumed (SIGCONT) → ready 200 again', async () => {
    if (sys().auth.isPaused) sys().auth.resume();

    const body = healthBody(await readyUntil(200, 5_000), 200);
    expect(body.details['database']?.status).toBe('up');
  });

  // Only PostgreSQL can be taken away from a running auth service (`select 1` on SQLite needs no file).
  const onPostgres = process.env['TEST_DATABASE_URL']?.trim() ? it : it.skip;
  onPostgres('database refusing connections → ready 503 naming the database check (auth up); back → 200', async () => {
    const { database } = sys();
    if (database.kind !== 'postgres') throw new Error('expected a PostgreSQL test database');
    const adminUrl = process.env['TEST_DATABASE_URL']?.trim() ?? '';
    const name = `"${database.name.replace(/"/g, '""')}"`;
    const allowConnections = (allow: boolean) =>
      withPgClient(adminUrl, async (client) => {
        await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`);
        if (!allow) {
          await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
            database.name,
          ]);
        }
      });

    await allowConnections(false);
    try {
      const body = healthBody(await ready(), 503);
      expect(body.error).toEqual({
        database: expect.objectContaining({ status: 'down', message: expect.any(String) }),
      });
      // The gateway's own token checks do not depend on the database (not yet: the revocation sync goes stale later).
      expect(body.info).toEqual({
        auth: expect.objectContaining({ status: 'up' }),
        signingKeys: expect.objectContaining({ status: 'up' }),
        revocations: expect.objectContaining({ status: 'up' }),
      });
      expect(sys().auth.isRunning()).toBe(true);
    } finally {
      await allowConnections(true);
    }
    healthBody(await readyUntil(200, 10_000), 200);
  });
});
