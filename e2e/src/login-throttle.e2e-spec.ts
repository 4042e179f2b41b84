/**
 * Brute-force protection under concurrency and against malicious lockout: parallel guesses from one client are
 * evaluated at most THRESHOLD times (logins and password changes, one instance or several), the owner on a client
 * that logged in before is never refused for the account-wide cap, and an IPv6 /64 is one client. Clients are
 * simulated by X-Forwarded-For through a trusted proxy (the test runner's 127.0.0.1).
 */
import { scaleOutUnavailableReason, startCluster, type TestCluster } from './support/cluster';
import { expectLoggedIn, expectSignedUp } from './support/contract';
import type { HttpClient, HttpResponse } from './support/http';
import { ROUTES } from './support/session-client';
import { startSystem, type TestSystem } from './support/system';

const PASSWORD = 'Owner-Knows-This-1';
const WRONG = 'Attacker-Guess-1';
const THRESHOLD = 3;
const ACCOUNT_MAX = 8;
const PARALLEL = 20;
const THROTTLE_ENV = {
  LOGIN_THROTTLE_THRESHOLD: String(THRESHOLD),
  // Long enough that a burst can never outlast the delay owed after THRESHOLD failures.
  LOGIN_THROTTLE_BASE_DELAY_MS: '60000',
  LOGIN_MAX_FAILURES_PER_HOUR: String(ACCOUNT_MAX),
};

function outcome(response: HttpResponse): string {
  if (response.status === 200) return 'ok';
  const body = response.body as { code?: unknown } | undefined;
  return typeof body?.code === 'string' ? body.code : `unexpected ${response.status}`;
}

/** How many responses had each outcome, e.g. `{ INVALID_CREDENTIALS: 3, TOO_MANY_ATTEMPTS: 17 }`. */
function tally(responses: HttpResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) counts[outcome(response)] = (counts[outcome(response)] ?? 0) + 1;
  return counts;
}

const from = (clientIp: string) => ({ headers: { 'x-forwarded-for': clientIp } });

async function parallelWrongLogins(
  http: HttpClient,
  username: string,
  clientIp: string,
): Promise<Record<string, number>> {
  const guesses = Array.from({ length: PARALLEL }, () => http.login({ username, password: WRONG }, from(clientIp)));
  return tally(await Promise.all(guesses));
}

/** At most THRESHOLD guesses were checked (at least one), every other one refused unchecked. */
function expectAtMostThresholdChecked(counts: Record<string, number>, checkedCode: string): void {
  const checked = counts[checkedCode] ?? 0;
  expect(checked).toBeGreaterThanOrEqual(1);
  expect(checked).toBeLessThanOrEqual(THRESHOLD);
  expect(counts).toEqual({ [checkedCode]: checked, TOO_MANY_ATTEMPTS: PARALLEL - checked });
}

describe('brute-force protection under concurrency', () => {
  let system: TestSystem | undefined;
  const http = (): HttpClient => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system.http;
  };
  const loginFrom = async (clientIp: string, username: string, password: string): Promise<string> =>
    outcome(await http().login({ username, password }, from(clientIp)));
  const signUp = async (username: string): Promise<void> => {
    expectSignedUp(await http().signup({ username, password: PASSWORD }), username);
  };

  beforeAll(async () => {
    system = await startSystem({
      suite: 'login-throttle',
      authEnv: THROTTLE_ENV,
      gatewayEnv: { TRUSTED_PROXIES: '127.0.0.1' },
    });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it(`${PARALLEL} parallel wrong passwords from one client: at most ${THRESHOLD} checked, the rest 429`, async () => {
    await signUp('bfc_parallel');
    expectAtMostThresholdChecked(
      await parallelWrongLogins(http(), 'bfc_parallel', '198.51.100.1'),
      'INVALID_CREDENTIALS',
    );
    // The same for a username nobody has: the throttle tells nothing about which accounts exist.
    expectAtMostThresholdChecked(
      await parallelWrongLogins(http(), 'bfc_nobody', '198.51.100.1'),
      'INVALID_CREDENTIALS',
    );
  });

  it(`${PARALLEL} parallel password changes with a wrong current password: at most ${THRESHOLD} checked`, async () => {
    await signUp('bfc_change');
    const loggedIn = await http().login({ username: 'bfc_change', password: PASSWORD }, from('198.51.100.2'));
    expectLoggedIn(loggedIn, 'bfc_change');
    const { accessToken } = loggedIn.body as { accessToken: string };
    const changes = Array.from({ length: PARALLEL }, () =>
      http().authed('POST', ROUTES.password, accessToken, {
        ...from('198.51.100.2'),
        json: { currentPassword: WRONG, newPassword: 'Brand-New-Secret-9' },
      }),
    );
    expectAtMostThresholdChecked(tally(await Promise.all(changes)), 'CURRENT_PASSWORD_INCORRECT');
  });

  it('the owner on a client that logged in before is not refused when attackers have used up the account cap', async () => {
    const victim = 'bfc_victim';
    const owner = '198.51.100.10';
    await signUp(victim);
    await expect(loginFrom(owner, victim, PASSWORD)).resolves.toBe('ok');
    // Attackers from many clients, one guess each, until the account has its maximum of failures.
    for (let i = 1; i <= ACCOUNT_MAX; i++) {
      await expect(loginFrom(`203.0.113.${i}`, victim, WRONG)).resolves.toBe('INVALID_CREDENTIALS');
    }
    await expect(loginFrom('203.0.113.1', victim, PASSWORD)).resolves.toBe('TOO_MANY_ATTEMPTS');
    // The owner makes a typo, then gets it right: in, not 429 for the rest of the hour.
    await expect(loginFrom(owner, victim, WRONG)).resolves.toBe('INVALID_CREDENTIALS');
    await expect(loginFrom(owner, victim, PASSWORD)).resolves.toBe('ok');
    // Its own budget still holds: THRESHOLD failures, then it waits like anyone.
    for (let i = 0; i < THRESHOLD; i++) {
      await expect(loginFrom(owner, victim, WRONG)).resolves.toBe('INVALID_CREDENTIALS');
    }
    await expect(loginFrom(owner, victim, PASSWORD)).resolves.toBe('TOO_MANY_ATTEMPTS');
    // An unknown client that has failed is still refused, right password or not.
    await expect(loginFrom('192.0.2.77', victim, WRONG)).resolves.toBe('INVALID_CREDENTIALS');
    await expect(loginFrom('192.0.2.77', victim, PASSWORD)).resolves.toBe('TOO_MANY_ATTEMPTS');
  });

  it('counts every address of one IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 address', async () => {
    await signUp('bfc_ipv6');
    for (let i = 1; i <= THRESHOLD; i++) {
      await expect(loginFrom(`2001:db8:7:9::${i}`, 'bfc_ipv6', WRONG)).resolves.toBe('INVALID_CREDENTIALS');
    }
    await expect(loginFrom('2001:db8:7:9:abcd:1:2:3', 'bfc_ipv6', WRONG)).resolves.toBe('TOO_MANY_ATTEMPTS');
    await expect(loginFrom('2001:db8:7:a::1', 'bfc_ipv6', WRONG)).resolves.toBe('INVALID_CREDENTIALS');

    for (let i = 1; i <= THRESHOLD; i++) {
      await expect(loginFrom('192.0.2.200', 'bfc_ipv6', WRONG)).resolves.toBe('INVALID_CREDENTIALS');
    }
    await expect(loginFrom('::ffff:192.0.2.200', 'bfc_ipv6', WRONG)).resolves.toBe('TOO_MANY_ATTEMPTS');
  });
});

const unavailable = scaleOutUnavailableReason();

if (unavailable) {
  describe('brute-force protection across auth instances', () => {
    it.skip(`is skipped: it ${unavailable}`, () => undefined);
  });
} else {
  describe('brute-force protection across auth instances: 2 on NATS, one PostgreSQL', () => {
    let cluster: TestCluster | undefined;

    beforeAll(async () => {
      cluster = await startCluster({
        suite: 'login-throttle-cluster',
        authCount: 2,
        gatewayCount: 1,
        authEnv: THROTTLE_ENV,
        gatewayEnv: { TRUSTED_PROXIES: '127.0.0.1' },
      });
    }, 90_000);

    afterAll(async () => {
      await cluster?.teardown();
    });

    it(`${PARALLEL} parallel wrong passwords from one client, spread over the instances: at most ${THRESHOLD} checked`, async () => {
      if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
      const { http } = cluster.gateways[0];
      expectSignedUp(await http.signup({ username: 'bfc_cluster', password: PASSWORD }), 'bfc_cluster');
      expectAtMostThresholdChecked(
        await parallelWrongLogins(http, 'bfc_cluster', '198.51.100.50'),
        'INVALID_CREDENTIALS',
      );
    });
  });
}
