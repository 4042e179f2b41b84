/**
 * SIGTERM while a request is in flight: the request completes, the process exits 0, and nothing
 * new is taken on meanwhile. With SHUTDOWN_DRAIN_DELAY, the process first reports not ready while it
 * still serves, so that load balancers stop sending it requests before it closes.
 */
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import { startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const USER = 'graceful_user';
const PASSWORD = 'Graceful-Exit-Secret-7';

describe('graceful shutdown of the gateway', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };

  beforeAll(async () => {
    system = await startSystem({ suite: 'graceful-gateway' });
    expectSignedUp(await sys().http.signup({ username: USER, password: PASSWORD }), USER);
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('finishes a request in flight during SIGTERM, then exits 0', async () => {
    // Hold the request inside the gateway: the auth service is frozen, so the call waits on it.
    sys().auth.pause();
    const inFlight = sys().http.login({ username: USER, password: PASSWORD });
    await sleep(300);

    const exited = sys().gateway.stop();
    await sleep(300);
    expect(sys().gateway.isRunning()).toBe(true);
    sys().auth.resume();

    expectLoggedIn(await inFlight, USER);
    await expect(exited).resolves.toEqual({ code: 0, signal: null });
  });

  it('takes no new connections once it has stopped', async () => {
    await expect(sys().http.login({ username: USER, password: PASSWORD })).rejects.toThrow();
  });
});

describe('graceful shutdown of the auth service', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };

  beforeAll(async () => {
    // Deliberately slow hashing, so that a login is still being handled when SIGTERM arrives.
    system = await startSystem({
      suite: 'graceful-auth',
      authEnv: { ARGON2_MEMORY_KIB: '65536', ARGON2_TIME_COST: '12' },
    });
    expectSignedUp(await sys().http.signup({ username: USER, password: PASSWORD }), USER);
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('answers the request it is handling during SIGTERM, refuses new ones with 503, then exits 0', async () => {
    const inFlight = sys().http.login({ username: USER, password: PASSWORD });
    const started = performance.now();
    await sleep(100);

    const exited = sys().auth.stop();
    await sleep(50);
    const refused = await sys().http.login({ username: USER, password: PASSWORD });

    const answered = await inFlight;
    expectLoggedIn(answered, USER);
    // The login was really in flight when the signal came: it took longer than the 100 ms before it.
    expect(performance.now() - started).toBeGreaterThan(150);
    expectError(refused, 503, 'AUTH_UNAVAILABLE');
    await expect(exited).resolves.toEqual({ code: 0, signal: null });
  });
});

const DRAIN_DELAY_MS = 1_500;

describe('the not-ready window before draining (SHUTDOWN_DRAIN_DELAY)', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const authReady = async () => {
    const response = await fetch(`http://127.0.0.1:${sys().authMetricsPort}/health/ready`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    const drain = { SHUTDOWN_DRAIN_DELAY: `${DRAIN_DELAY_MS}ms` };
    system = await startSystem({ suite: 'graceful-drain', authEnv: drain, gatewayEnv: drain });
    expectSignedUp(await sys().http.signup({ username: USER, password: PASSWORD }), USER);
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('the gateway answers 503 on /health/ready from SIGTERM on, serves meanwhile, then exits 0', async () => {
    expect((await sys().http.get('/api/health/ready')).status).toBe(200);
    const signalled = performance.now();

    const exited = sys().gateway.stop();
    await sleep(200);
    const ready = await sys().http.get('/api/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'error', error: { shutdown: { status: 'down' } } });
    expectLoggedIn(await sys().http.login({ username: USER, password: PASSWORD }), USER);
    expect(sys().gateway.isRunning()).toBe(true);

    await expect(exited).resolves.toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(DRAIN_DELAY_MS);
  });

  it('the auth service is ready with its database, then not ready from SIGTERM on while it still answers', async () => {
    await sys().gateway.start();
    expect(await authReady()).toMatchObject({
      status: 200,
      body: { status: 'ok', transport: 'connected', database: 'up' },
    });

    const exited = sys().auth.stop();
    await sleep(200);
    expect(await authReady()).toMatchObject({
      status: 503,
      body: { status: 'unavailable', transport: 'connected', shutdown: 'draining' },
    });
    expectLoggedIn(await sys().http.login({ username: USER, password: PASSWORD }), USER);

    await expect(exited).resolves.toEqual({ code: 0, signal: null });
  });
});
