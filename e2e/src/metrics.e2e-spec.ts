/**
 * Prometheus metrics of both processes: the gateway's `GET /metrics` (outside `/api`) and the auth
 * service's own metrics port, scraped before and after real requests; every series named in the
 * metrics table of docs/operations.md must move by exactly what those requests did.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import { usingPostgres } from './support/database';
import { listeningAddresses, ownsListeningPort } from './support/listening-sockets';
import { type MetricsSnapshot, PROMETHEUS_CONTENT_TYPE, scrapeMetrics } from './support/prometheus';
import { LOCALHOST, startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const USER = { username: 'metrics_user', password: 'Metrics-Secret-Pass-42' };
const WRONG = { username: USER.username, password: 'Wrong-Metrics-Pass-43' };

interface Expectation {
  metric: string;
  labels: Record<string, string>;
  delta: number;
}

const httpCount = (method: string, route: string, status: number, delta: number): Expectation => ({
  metric: 'http_request_duration_seconds_count',
  labels: { method, route, status_code: String(status) },
  delta,
});
const rpcClientCount = (pattern: string, outcome: string, delta: number): Expectation => ({
  metric: 'auth_rpc_client_duration_seconds_count',
  labels: { pattern, outcome },
  delta,
});
const rpcServerCount = (pattern: string, outcome: string, delta: number): Expectation => ({
  metric: 'auth_rpc_server_duration_seconds_count',
  labels: { pattern, outcome },
  delta,
});
const logins = (outcome: string, delta: number): Expectation => ({
  metric: 'auth_login_attempts_total',
  labels: { outcome },
  delta,
});
const signups = (outcome: string, delta: number): Expectation => ({
  metric: 'auth_signups_total',
  labels: { outcome },
  delta,
});
const hashCount = (operation: string, delta: number): Expectation => ({
  metric: 'auth_password_hash_duration_seconds_count',
  labels: { operation },
  delta,
});

/** How far each series moved; a series that is not there counts as 0. */
function deltasOf(before: MetricsSnapshot, after: MetricsSnapshot, expectations: Record<string, Expectation>) {
  return Object.fromEntries(
    Object.entries(expectations).map(([key, { metric, labels }]) => [
      key,
      (after.value(metric, labels) ?? 0) - (before.value(metric, labels) ?? 0),
    ]),
  );
}

/**
 * Scrapes again until every series moved by exactly its delta (the gateway records a request just
 * after sending its response, so a scrape can be a moment early), at most 2 s, then asserts.
 */
async function expectMoved(
  scrape: () => Promise<MetricsSnapshot>,
  before: MetricsSnapshot,
  expectations: Record<string, Expectation>,
): Promise<MetricsSnapshot> {
  const expected = Object.fromEntries(Object.entries(expectations).map(([key, { delta }]) => [key, delta]));
  const deadline = performance.now() + 2_000;
  let after = await scrape();
  while (!isDeepStrictEqual(deltasOf(before, after, expectations), expected) && performance.now() < deadline) {
    await sleep(100);
    after = await scrape();
  }
  expect(deltasOf(before, after, expectations)).toEqual(expected);
  return after;
}

describe('metrics (Prometheus) of the gateway and the auth service', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const gatewayMetrics = () => scrapeMetrics(`${sys().baseUrl}/metrics`);
  const authMetricsUrl = () => `http://${LOCALHOST}:${sys().authMetricsPort}/metrics`;
  const authMetrics = () => scrapeMetrics(authMetricsUrl());

  beforeAll(async () => {
    system = await startSystem({ suite: 'metrics' });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  describe('endpoints', () => {
    it('the gateway serves GET /metrics at the root (not under /api), with its series and service="gateway"', async () => {
      const response = await sys().http.get('/metrics', { headers: { accept: 'text/plain' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);

      const metrics = await gatewayMetrics();
      expect({
        http: metrics.typeOf('http_request_duration_seconds'),
        rpcClient: metrics.typeOf('auth_rpc_client_duration_seconds'),
        cpu: metrics.value('process_cpu_user_seconds_total', { service: 'gateway' }) !== undefined,
        eventLoop: metrics.value('nodejs_eventloop_lag_seconds', { service: 'gateway' }) !== undefined,
        authSeries: metrics.typeOf('auth_login_attempts_total'),
      }).toEqual({ http: 'histogram', rpcClient: 'histogram', cpu: true, eventLoop: true, authSeries: undefined });
      expect(metrics.samples.every((sample) => sample.labels['service'] === 'gateway')).toBe(true);

      expectError(await sys().http.get('/api/metrics'), 404, 'NOT_FOUND');
    });

    it('the auth service serves GET /metrics on its metrics port, with its series and service="auth"', async () => {
      const metrics = await authMetrics();

      expect({
        rpcServer: metrics.typeOf('auth_rpc_server_duration_seconds'),
        logins: metrics.typeOf('auth_login_attempts_total'),
        signups: metrics.typeOf('auth_signups_total'),
        hashing: metrics.typeOf('auth_password_hash_duration_seconds'),
        cpu: metrics.value('process_cpu_user_seconds_total', { service: 'auth' }) !== undefined,
        failedLogins: metrics.value('auth_login_attempts_total', { outcome: 'invalid_credentials' }),
        gatewaySeries: metrics.typeOf('http_request_duration_seconds'),
      }).toEqual({
        rpcServer: 'histogram',
        logins: 'counter',
        signups: 'counter',
        hashing: 'histogram',
        cpu: true,
        failedLogins: 0,
        gatewaySeries: undefined,
      });
      expect(metrics.samples.every((sample) => sample.labels['service'] === 'auth')).toBe(true);
    });

    it('the auth metrics port answers 404 to anything but GET /metrics', async () => {
      const base = `http://${LOCALHOST}:${sys().authMetricsPort}`;
      const statuses = await Promise.all(
        [
          ['GET', '/'],
          ['GET', '/api/metrics'],
          ['POST', '/metrics'],
        ].map(async ([method, path]) => {
          const response = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(5_000) });
          await response.arrayBuffer();
          return `${method} ${path} → ${response.status}`;
        }),
      );

      expect(statuses).toEqual(['GET / → 404', 'GET /api/metrics → 404', 'POST /metrics → 404']);
    });

    it('the auth metrics port listens on 127.0.0.1 only by default (AUTH_METRICS_HOST unset)', () => {
      expect(sys().auth.env['AUTH_METRICS_HOST']).toBeUndefined();
      expect(ownsListeningPort(sys().auth.pid, sys().authMetricsPort)).toBe(true);
      expect(listeningAddresses(sys().authMetricsPort)).toEqual(['127.0.0.1']);
    });
  });

  describe('what requests record', () => {
    it('a sign-up and two logins (one wrong) move every series by exactly that much', async () => {
      const [gatewayBefore, authBefore] = await Promise.all([gatewayMetrics(), authMetrics()]);

      expectSignedUp(await sys().http.signup(USER), USER.username);
      expectLoggedIn(await sys().http.login(USER), USER.username);
      expectError(await sys().http.login(WRONG), 401, 'INVALID_CREDENTIALS');

      await expectMoved(gatewayMetrics, gatewayBefore, {
        'POST /api/auth/signup 201': httpCount('POST', '/api/auth/signup', 201, 1),
        'POST /api/auth/login 200': httpCount('POST', '/api/auth/login', 200, 1),
        'POST /api/auth/login 401': httpCount('POST', '/api/auth/login', 401, 1),
        'client auth.signup ok': rpcClientCount('auth.signup', 'ok', 1),
        'client auth.login ok': rpcClientCount('auth.login', 'ok', 1),
        'client auth.login INVALID_CREDENTIALS': rpcClientCount('auth.login', 'INVALID_CREDENTIALS', 1),
      });
      const authAfter = await expectMoved(authMetrics, authBefore, {
        'server auth.signup ok': rpcServerCount('auth.signup', 'ok', 1),
        'server auth.login ok': rpcServerCount('auth.login', 'ok', 1),
        'server auth.login INVALID_CREDENTIALS': rpcServerCount('auth.login', 'INVALID_CREDENTIALS', 1),
        'logins success': logins('success', 1),
        'logins invalid_credentials': logins('invalid_credentials', 1),
        'logins error': logins('error', 0),
        'signups created': signups('created', 1),
        'signups username_taken': signups('username_taken', 0),
        'hash operations': hashCount('hash', 1),
        'verify operations': hashCount('verify', 2),
        'verify_dummy operations': hashCount('verify_dummy', 0),
      });
      // argon2id with the OWASP parameters takes milliseconds, not microseconds.
      const hashSeconds = authAfter.value('auth_password_hash_duration_seconds_sum', { operation: 'hash' }) ?? 0;
      expect(
        hashSeconds - (authBefore.value('auth_password_hash_duration_seconds_sum', { operation: 'hash' }) ?? 0),
      ).toBeGreaterThan(0.001);
    });

    it('auth_active_sessions follows logins and logouts; refreshes and a detected reuse are counted', async () => {
      const active = async () => (await authMetrics()).value('auth_active_sessions') ?? Number.NaN;
      const refreshes = async (outcome: string) =>
        (await authMetrics()).value('auth_token_refreshes_total', { outcome }) ?? Number.NaN;
      const owner = { username: 'metrics_sessions', password: USER.password };
      expectSignedUp(await sys().http.signup(owner), owner.username);
      const before = await active();
      const rotatedBefore = await refreshes('rotated');

      const first = await sys().http.login(owner);
      const second = await sys().http.login(owner);
      expect(await active()).toBe(before + 2);

      const { accessToken, refreshToken } = first.body as { accessToken: string; refreshToken: string };
      expect((await sys().http.refresh(refreshToken)).status).toBe(200);
      expect(await refreshes('rotated')).toBe(rotatedBefore + 1);
      expect((await sys().http.authed('POST', '/api/auth/logout', accessToken)).status).toBe(204);
      expect(await active()).toBe(before + 1);
      const other = second.body as { accessToken: string };
      expect((await sys().http.authed('POST', '/api/auth/logout-all', other.accessToken)).status).toBe(204);
      expect(await active()).toBe(before);
    });

    it('a login for an unknown user is one dummy verify (verify_dummy, not verify) and one invalid_credentials', async () => {
      const before = await authMetrics();

      expectError(
        await sys().http.login({ username: 'nobody_here', password: USER.password }),
        401,
        'INVALID_CREDENTIALS',
      );

      await expectMoved(authMetrics, before, {
        'verify_dummy operations': hashCount('verify_dummy', 1),
        'verify operations': hashCount('verify', 0),
        'logins invalid_credentials': logins('invalid_credentials', 1),
      });
    });

    it('a sign-up of a taken name counts username_taken on both sides and costs no hash', async () => {
      const [gatewayBefore, authBefore] = await Promise.all([gatewayMetrics(), authMetrics()]);

      expectError(await sys().http.signup({ ...USER, username: USER.username.toUpperCase() }), 409, 'USERNAME_TAKEN');

      await expectMoved(gatewayMetrics, gatewayBefore, {
        'POST /api/auth/signup 409': httpCount('POST', '/api/auth/signup', 409, 1),
        'client auth.signup USERNAME_TAKEN': rpcClientCount('auth.signup', 'USERNAME_TAKEN', 1),
      });
      await expectMoved(authMetrics, authBefore, {
        'signups username_taken': signups('username_taken', 1),
        'signups created': signups('created', 0),
        'hash operations': hashCount('hash', 0),
      });
    });

    it('every SQLite write waits for an fsync of the log, shared by concurrent sign-ups (zero on PostgreSQL)', async () => {
      const before = await authMetrics();
      const users = Array.from({ length: 10 }, (_, i) => ({
        username: `metrics_durable_${i}`,
        password: USER.password,
      }));
      const responses = await Promise.all(users.map((user) => sys().http.signup(user)));
      responses.forEach((response, i) => expectSignedUp(response, users[i]?.username ?? ''));
      const after = await authMetrics();
      const moved = (metric: string) => (after.value(metric) ?? 0) - (before.value(metric) ?? 0);
      const writes = moved('auth_database_durable_writes_total');
      const fsyncs = moved('auth_database_log_fsync_duration_seconds_count');

      if (usingPostgres()) {
        // PostgreSQL makes its own commits durable: these series stay at zero.
        expect({ writes, fsyncs }).toEqual({ writes: 0, fsyncs: 0 });
      } else {
        expect(writes).toBeGreaterThanOrEqual(users.length);
        expect(fsyncs).toBeGreaterThanOrEqual(1);
        expect(fsyncs).toBeLessThanOrEqual(writes);
      }
    });

    it('unknown routes are counted as route="unmatched", and their URLs appear nowhere in the metrics', async () => {
      const before = await gatewayMetrics();
      const marker = `no-such-route-${randomUUID()}`;

      expectError(await sys().http.get(`/api/${marker}`), 404, 'NOT_FOUND');
      expectError(await sys().http.get(`/${marker}/x?y=1`), 404, 'NOT_FOUND');

      const after = await expectMoved(gatewayMetrics, before, {
        'GET unmatched 404': httpCount('GET', 'unmatched', 404, 2),
      });
      expect(after.text).not.toContain(marker);
      const routes = new Set(after.samples.map((sample) => sample.labels['route']).filter(Boolean));
      expect([...routes].every((route) => route === 'unmatched' || route.startsWith('/'))).toBe(true);
    });

    it("errors raised before the handler are counted under the route: Fastify's 413 and a validation 400", async () => {
      const before = await gatewayMetrics();

      const tooLarge = JSON.stringify({ username: 'x', password: 'p'.repeat(20_000) });
      expectError(await sys().http.request('POST', '/api/auth/login', { rawBody: tooLarge }), 413, 'PAYLOAD_TOO_LARGE');
      expectError(await sys().http.signup({ username: 'a' }), 400, 'VALIDATION_FAILED');

      await expectMoved(gatewayMetrics, before, {
        'POST /api/auth/login 413': httpCount('POST', '/api/auth/login', 413, 1),
        'POST /api/auth/signup 400': httpCount('POST', '/api/auth/signup', 400, 1),
        'client auth.signup VALIDATION_FAILED': rpcClientCount('auth.signup', 'VALIDATION_FAILED', 0),
      });
    });

    // Last: stops the auth service.
    it('with the auth service stopped, a login is 503 and counted as AUTH_UNAVAILABLE', async () => {
      const before = await gatewayMetrics();
      await sys().auth.stop();

      expectError(await sys().http.login(USER), 503, 'AUTH_UNAVAILABLE');

      await expectMoved(gatewayMetrics, before, {
        'POST /api/auth/login 503': httpCount('POST', '/api/auth/login', 503, 1),
        'client auth.login AUTH_UNAVAILABLE': rpcClientCount('auth.login', 'AUTH_UNAVAILABLE', 1),
      });
      await expect(fetch(authMetricsUrl(), { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    });
  });
});
