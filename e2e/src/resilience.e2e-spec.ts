/**
 * The auth service going away (SIGTERM, SIGKILL) or hanging (SIGSTOP) underneath a gateway that
 * keeps running: the gateway answers quickly with the right error and recovers by itself.
 */
import { expectError, expectLoggedIn, expectSignedUp, type PublicUser } from './support/contract';
import { describeResponse, type HttpResponse } from './support/http';
import { createTestDatabase, type TestDatabase } from './support/database';
import { HttpClient } from './support/http';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { createAuthProcess, createGatewayProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import { type AuthLink, newAuthLink } from './support/transport';
import { readUserRow } from './support/user-store';
import { pollUntil } from './support/util';

const RPC_TIMEOUT_MS = 1_000;
const SURVIVOR = 'survivor';
const SURVIVOR_PASSWORD = 'Persistent-Secret-42';

describe('resilience of the gateway to the auth service going away', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  let survivor: PublicUser | undefined;
  let gatewayPid = 0;

  /** Logs the survivor in until a 200 comes back (≤ timeoutMs); returns the first 200. */
  const loginUntilOk = (timeoutMs: number): Promise<HttpResponse> =>
    pollUntil(
      async () => {
        const response = await sys().http.login({ username: SURVIVOR, password: SURVIVOR_PASSWORD });
        if (response.status === 200) return response;
        throw new Error(describeResponse(response));
      },
      { timeoutMs, intervalMs: 200, description: 'a 200 from POST /api/auth/login' },
    );

  /** Each test starts from a running, healthy auth service, whatever the previous one left. */
  const ensureAuthRunning = async (): Promise<void> => {
    const { auth } = sys();
    if (!auth.isRunning()) await auth.start();
  };

  beforeAll(async () => {
    system = await startSystem({ suite: 'resilience', gatewayEnv: { AUTH_RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) } });
    gatewayPid = system.gateway.pid;
    const response = await system.http.signup({ username: SURVIVOR, password: SURVIVOR_PASSWORD });
    survivor = expectSignedUp(response, SURVIVOR);
  });

  afterEach(() => {
    // Never leave the auth service frozen for the next test (or the teardown).
    if (system?.auth.isPaused) system.auth.resume();
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('users survive a restart of the auth service (SIGTERM, then start again on the same port and database)', async () => {
    const { auth } = sys();
    const oldPid = auth.pid;
    const exit = await auth.stop();
    expect(exit).toBeDefined();
    expect(auth.isRunning()).toBe(false);

    await auth.start();
    expect(auth.pid).not.toBe(oldPid);
    const response = await loginUntilOk(10_000);
    expect(expectLoggedIn(response, SURVIVOR)).toEqual(survivor);
    expect((await readUserRow(sys().database, SURVIVOR))?.id).toBe(survivor?.id);
  });

  it('auth service killed (SIGKILL) → the next sign-ups and logins answer 503 AUTH_UNAVAILABLE in < 1000 ms', async () => {
    await ensureAuthRunning();
    expectLoggedIn(await loginUntilOk(10_000), SURVIVOR);
    const exit = await sys().auth.kill();
    expect(exit?.signal).toBe('SIGKILL');

    const attempts: Array<[string, () => Promise<HttpResponse>]> = [
      ['login', () => sys().http.login({ username: SURVIVOR, password: SURVIVOR_PASSWORD })],
      ['signup', () => sys().http.signup({ username: 'while_down', password: 'Down-Time-Secret-1' })],
      ['login again', () => sys().http.login({ username: SURVIVOR, password: SURVIVOR_PASSWORD })],
      ['signup again', () => sys().http.signup({ username: 'while_down', password: 'Down-Time-Secret-1' })],
    ];
    for (const [label, send] of attempts) {
      const response = await send();
      expectError(response, 503, 'AUTH_UNAVAILABLE');
      expect({ label, fastEnough: response.durationMs < 1_000, durationMs: Math.round(response.durationMs) }).toEqual({
        label,
        fastEnough: true,
        durationMs: expect.any(Number),
      });
    }
    expect(sys().gateway.isRunning()).toBe(true);
  });

  it('auth service started again → the same gateway process serves 200 again within 10 s', async () => {
    const { auth, gateway } = sys();
    if (auth.isRunning()) await auth.kill();
    await auth.start();
    const response = await loginUntilOk(10_000);
    expect(expectLoggedIn(response, SURVIVOR)).toEqual(survivor);
    expect(gateway.isRunning()).toBe(true);
    expect(gateway.pid).toBe(gatewayPid);
    // Writes work again too.
    expectSignedUp(
      await sys().http.signup({ username: 'after_restart', password: 'Back-Again-Secret-2' }),
      'after_restart',
    );
  });

  it(`auth service frozen (SIGSTOP) → 504 UPSTREAM_TIMEOUT after ~${RPC_TIMEOUT_MS} ms; SIGCONT → 200 again`, async () => {
    await ensureAuthRunning();
    const { auth, gateway, http } = sys();
    expectLoggedIn(await loginUntilOk(10_000), SURVIVOR);

    auth.pause();
    const frozen = await http.login({ username: SURVIVOR, password: SURVIVOR_PASSWORD });
    expectError(frozen, 504, 'UPSTREAM_TIMEOUT');
    expect({
      durationMs: Math.round(frozen.durationMs),
      inWindow: frozen.durationMs >= 900 && frozen.durationMs <= 3_000,
    }).toEqual({
      durationMs: expect.any(Number),
      inWindow: true,
    });

    auth.resume();
    const response = await loginUntilOk(5_000);
    expect(expectLoggedIn(response, SURVIVOR)).toEqual(survivor);
    expect(auth.isRunning()).toBe(true);
    expect(gateway.pid).toBe(gatewayPid);
  });

  describe('a gateway started while its auth service is not running yet', () => {
    let gateway: AppProcess | undefined;
    let auth: AppProcess | undefined;
    let database: TestDatabase | undefined;
    let link: AuthLink | undefined;
    let http: HttpClient | undefined;

    beforeAll(async () => {
      link = await newAuthLink();
      const gatewayPort = await getFreePort(LOCALHOST);
      gateway = createGatewayProcess({
        suite: 'resilience',
        name: 'gateway-early',
        cwd: sys().workDir,
        port: gatewayPort,
        link,
        env: { AUTH_RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS) },
      });
      await gateway.start();
      http = new HttpClient(`http://${LOCALHOST}:${gatewayPort}`);
    });

    afterAll(async () => {
      await gateway?.stop();
      await auth?.stop();
      await database?.dispose();
    });

    it('answers 503 AUTH_UNAVAILABLE in < 1000 ms, then 201/200 once the auth service is up (same gateway)', async () => {
      if (!gateway || !http || !link) throw new Error('the gateway did not start (see beforeAll)');
      const client = http;
      const credentials = { username: 'early_bird', password: 'Early-Gateway-Secret-5' };
      for (const send of [() => client.login(credentials), () => client.signup(credentials)]) {
        const response = await send();
        expectError(response, 503, 'AUTH_UNAVAILABLE');
        expect({ durationMs: Math.round(response.durationMs), fastEnough: response.durationMs < 1_000 }).toEqual({
          durationMs: expect.any(Number),
          fastEnough: true,
        });
      }

      const pid = gateway.pid;
      database = await createTestDatabase('resilience-early');
      auth = createAuthProcess({
        suite: 'resilience',
        name: 'auth-late',
        cwd: sys().workDir,
        link,
        metricsPort: await getFreePort(LOCALHOST),
        databaseUrl: database.url,
      });
      await auth.start();
      const created = await pollUntil(
        async () => {
          const response = await client.signup(credentials);
          if (response.status === 201) return response;
          throw new Error(describeResponse(response));
        },
        { timeoutMs: 10_000, intervalMs: 200, description: 'a 201 from POST /api/auth/signup' },
      );
      const user = expectSignedUp(created, credentials.username);
      expect(expectLoggedIn(await client.login(credentials), credentials.username)).toEqual(user);
      expect(gateway.pid).toBe(pid);
    });
  });
});
