/**
 * A dependency of the auth service briefly gone — PostgreSQL, or the NATS server between gateway and auth
 * service — behind a proxy the suite cuts and restores: requests fail fast with 503, nothing answers 500, and
 * the same processes serve again by themselves once it is back. Needs PostgreSQL (TEST_DATABASE_URL), and
 * for the NATS part TEST_TRANSPORT=nats: `npm run test:e2e:nats` runs both.
 */
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import { usingPostgres } from './support/database';
import { describeResponse, type HttpResponse } from './support/http';
import { getFreePort } from './support/ports';
import { startSystem, type TestSystem } from './support/system';
import { TcpProxy } from './support/tcp-proxy';
import { testNatsUrl, testTransport } from './support/transport';
import { pollUntil } from './support/util';

const PASSWORD = 'Outage-Survivor-Secret-3';
/** What "fast" means here: the auth service's DATABASE_CONNECT_TIMEOUT (2 s) plus slack, well under the RPC timeout. */
const FAST_MS = 3_000;
const RPC_TIMEOUT_MS = 5_000;

function expectFast503(response: HttpResponse, label: string): void {
  expectError(response, 503, 'AUTH_UNAVAILABLE');
  const durationMs = Math.round(response.durationMs);
  expect({ label, durationMs, fast: durationMs < FAST_MS }).toEqual({ label, durationMs, fast: true });
}

async function loginUntilOk(system: TestSystem, username: string): Promise<HttpResponse> {
  return pollUntil(
    async () => {
      const response = await system.http.login({ username, password: PASSWORD });
      if (response.status === 200) return response;
      throw new Error(describeResponse(response));
    },
    { timeoutMs: 15_000, intervalMs: 250, description: 'a 200 from POST /api/auth/login' },
  );
}

/** Cuts the dependency, checks requests fail fast with 503 (never 500), restores it, checks the system recovers. */
async function outageAndRecovery(system: TestSystem, proxy: TcpProxy, name: string): Promise<void> {
  const user = `${name}_user`;
  expectSignedUp(await system.http.signup({ username: user, password: PASSWORD }), user);
  expectLoggedIn(await system.http.login({ username: user, password: PASSWORD }), user);

  await proxy.cut();
  try {
    for (let i = 0; i < 3; i++) {
      expectFast503(await system.http.login({ username: user, password: PASSWORD }), `login ${i}`);
      expectFast503(await system.http.signup({ username: `${name}_during_${i}`, password: PASSWORD }), `signup ${i}`);
    }
    expect((await system.http.get('/api/health/ready')).status).toBe(503);
  } finally {
    await proxy.restore();
  }

  expectLoggedIn(await loginUntilOk(system, user), user);
  expectSignedUp(await system.http.signup({ username: `${name}_after`, password: PASSWORD }), `${name}_after`);
  expect(system.auth.isRunning() && system.gateway.isRunning()).toBe(true);
}

const postgresReason = usingPostgres() ? undefined : 'needs PostgreSQL: set TEST_DATABASE_URL (npm run test:e2e:nats)';
(postgresReason ? describe.skip : describe)('PostgreSQL briefly unavailable', () => {
  let system: TestSystem | undefined;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    const target = new URL(process.env['TEST_DATABASE_URL'] ?? '');
    proxy = await TcpProxy.start(await getFreePort('127.0.0.1'), {
      host: target.hostname,
      port: Number(target.port || 5432),
    });
    const port = proxy.port;
    system = await startSystem({
      suite: 'outage-postgres',
      databaseUrlForAuth: (url) => {
        const proxied = new URL(url);
        proxied.hostname = '127.0.0.1';
        proxied.port = String(port);
        return proxied.toString();
      },
      gatewayEnv: { AUTH_RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) },
    });
  });

  afterAll(async () => {
    await system?.teardown();
    await proxy?.cut();
  });

  it('→ 503 AUTH_UNAVAILABLE within seconds (never 500, never the timeout), then serves again by itself', async () => {
    if (!system || !proxy) throw new Error('the system did not start (see beforeAll)');
    await outageAndRecovery(system, proxy, 'pg');
  });
});

const natsReason =
  testTransport() === 'nats' ? undefined : 'needs NATS: set TEST_TRANSPORT=nats (npm run test:e2e:nats)';
(natsReason ? describe.skip : describe)('NATS briefly unavailable', () => {
  let system: TestSystem | undefined;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    const target = new URL(testNatsUrl());
    proxy = await TcpProxy.start(await getFreePort('127.0.0.1'), {
      host: target.hostname,
      port: Number(target.port || 4222),
    });
    system = await startSystem({
      suite: 'outage-nats',
      link: { transport: 'nats', url: `nats://127.0.0.1:${proxy.port}`, subjectPrefix: `e2e_outage_${process.pid}` },
      gatewayEnv: { AUTH_RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) },
    });
  });

  afterAll(async () => {
    await system?.teardown();
    await proxy?.cut();
  });

  it('→ 503 AUTH_UNAVAILABLE at once (never 500, never the timeout), then gateway and auth service reconnect by themselves', async () => {
    if (!system || !proxy) throw new Error('the system did not start (see beforeAll)');
    await outageAndRecovery(system, proxy, 'nats');
  });
});

if (postgresReason && natsReason) {
  describe('dependency outages', () => {
    it.skip(`are skipped: ${postgresReason}`, () => undefined);
  });
}
