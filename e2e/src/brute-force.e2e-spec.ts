/**
 * Per-account brute-force protection in the auth service: progressive delays for a client that keeps
 * failing, never a lock for the owner on another client, counters that survive a restart, and a cap on
 * the guesses checked per account. Other clients are simulated by X-Forwarded-For through a trusted proxy
 * (the test runner's 127.0.0.1), the way a gateway behind a load balancer sees them.
 */
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import type { HttpResponse } from './support/http';
import { startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const VICTIM = 'bf_victim';
const PASSWORD = 'Owner-Knows-This-1';
const WRONG = 'Attacker-Guess-1';
const THRESHOLD = 3;
const ACCOUNT_MAX = 8;

function outcome(response: HttpResponse): string {
  if (response.status === 200) return 'ok';
  const body = response.body as { code?: unknown } | undefined;
  return typeof body?.code === 'string' ? body.code : `unexpected ${response.status}`;
}

describe('brute-force protection', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  /** A login from another client: `clientIp`, as forwarded by the trusted proxy. */
  const loginFrom = async (clientIp: string, password: string, username = VICTIM): Promise<string> =>
    outcome(await sys().http.login({ username, password }, { headers: { 'x-forwarded-for': clientIp } }));

  beforeAll(async () => {
    system = await startSystem({
      suite: 'brute-force',
      authEnv: {
        LOGIN_THROTTLE_THRESHOLD: String(THRESHOLD),
        LOGIN_THROTTLE_BASE_DELAY_MS: '1500',
        LOGIN_MAX_FAILURES_PER_HOUR: String(ACCOUNT_MAX),
      },
      gatewayEnv: { TRUSTED_PROXIES: '127.0.0.1' },
    });
    expectSignedUp(await sys().http.signup({ username: VICTIM, password: PASSWORD }), VICTIM);
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it(`delays a client after ${THRESHOLD} failures: 429 TOO_MANY_ATTEMPTS with Retry-After, password unchecked`, async () => {
    for (let i = 0; i < THRESHOLD; i++) {
      expectError(await sys().http.login({ username: VICTIM, password: WRONG }), 401, 'INVALID_CREDENTIALS');
    }
    // Even the right password is not checked while the client must wait.
    const throttled = await sys().http.login({ username: VICTIM, password: PASSWORD });
    expectError(throttled, 429, 'TOO_MANY_ATTEMPTS');
    // 1.5 s after the last failure, rounded up: 2, or 1 if the machine took over half a second meanwhile.
    expect(['1', '2']).toContain(throttled.headers.get('retry-after'));
  });

  it('lets the owner in from a client that has not been failing', async () => {
    await expect(loginFrom('198.51.100.7', PASSWORD)).resolves.toBe('ok');
  });

  it('hears the client again once it has waited, and a success clears its failures', async () => {
    await sleep(1_600);
    expectLoggedIn(await sys().http.login({ username: VICTIM, password: PASSWORD }), VICTIM);
    expectError(await sys().http.login({ username: VICTIM, password: WRONG }), 401, 'INVALID_CREDENTIALS');
  });

  it(`checks at most ${ACCOUNT_MAX} failures per account and hour from failing clients; a fresh client is still heard`, async () => {
    // One failure each from new clients until the account reaches its maximum (one failure is already counted).
    for (let i = 1; i < ACCOUNT_MAX; i++) {
      await expect(loginFrom(`203.0.113.${i}`, WRONG)).resolves.toBe('INVALID_CREDENTIALS');
    }
    // Every client that has failed is now refused unheard, whatever it sends…
    await expect(loginFrom('203.0.113.1', PASSWORD)).resolves.toBe('TOO_MANY_ATTEMPTS');
    await expect(loginFrom('203.0.113.2', WRONG)).resolves.toBe('TOO_MANY_ATTEMPTS');
    // …while the owner on a clean client gets in.
    await expect(loginFrom('198.51.100.99', PASSWORD)).resolves.toBe('ok');
  });

  it('keeps the counters across a restart of the auth service', async () => {
    await sys().auth.restart();
    // Still at its maximum (for up to an hour, not a delay a slow restart could outlast): still refused.
    await expect(loginFrom('203.0.113.2', PASSWORD)).resolves.toBe('TOO_MANY_ATTEMPTS');
  });

  it('throttles an unknown username exactly like an existing one', async () => {
    for (let i = 0; i < THRESHOLD; i++) {
      await expect(loginFrom('192.0.2.50', WRONG, 'bf_nobody')).resolves.toBe('INVALID_CREDENTIALS');
    }
    await expect(loginFrom('192.0.2.50', WRONG, 'bf_nobody')).resolves.toBe('TOO_MANY_ATTEMPTS');
  });
});
