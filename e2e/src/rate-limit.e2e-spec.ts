/**
 * Per-client-IP rate limits at the gateway: 429 RATE_LIMITED with Retry-After, one budget per route,
 * X-Forwarded-For believed only from a trusted proxy, and the budget back after its window.
 */
import { expectError } from './support/contract';
import type { HttpResponse } from './support/http';
import { startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const LIMIT = 3;
const TTL_MS = 2_000;
const PASSWORD = 'Rate-Limited-Secret-4';

/** Any answer the auth service gave (not the limiter): 201, 401 or 409. */
const passed = (response: HttpResponse): boolean => [200, 201, 401, 409].includes(response.status);

describe('rate limits at the gateway', () => {
  let direct: TestSystem | undefined;
  let proxied: TestSystem | undefined;
  const sys = (system: TestSystem | undefined): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const limits = {
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_SIGNUP_LIMIT: String(LIMIT),
    RATE_LIMIT_SIGNUP_TTL_MS: String(TTL_MS),
    RATE_LIMIT_LOGIN_LIMIT: String(LIMIT),
    RATE_LIMIT_LOGIN_TTL_MS: String(TTL_MS),
    RATE_LIMIT_REFRESH_LIMIT: String(LIMIT),
    RATE_LIMIT_REFRESH_TTL_MS: String(TTL_MS),
  };

  beforeAll(async () => {
    direct = await startSystem({ suite: 'rate-limit', gatewayEnv: limits });
    proxied = await startSystem({
      suite: 'rate-limit-proxied',
      gatewayEnv: { ...limits, TRUSTED_PROXIES: '127.0.0.1' },
    });
  });

  afterAll(async () => {
    await Promise.all([direct?.teardown(), proxied?.teardown()]);
  });

  it(`lets ${LIMIT} logins through per window, then answers 429 RATE_LIMITED with Retry-After`, async () => {
    const { http } = sys(direct);
    for (let i = 0; i < LIMIT; i++) {
      expect(passed(await http.login({ username: 'rl_nobody', password: PASSWORD }))).toBe(true);
    }
    const limited = await http.login({ username: 'rl_nobody', password: PASSWORD });
    expectError(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(TTL_MS / 1000));
  });

  it('keeps a separate budget for sign-up, and none for routes without a limit', async () => {
    const { http } = sys(direct);
    expect(passed(await http.signup({ username: 'rl_first', password: PASSWORD }))).toBe(true);
    for (let i = 0; i < LIMIT * 3; i++) {
      expect((await http.request('GET', '/api/health/live')).status).toBe(200);
    }
  });

  it(`limits refreshes to ${LIMIT} per window with a budget of their own, before any token is looked at`, async () => {
    const { http } = sys(proxied);
    const refresh = () =>
      http.post(
        '/api/auth/refresh',
        { refreshToken: 'not-a-real-token' },
        { headers: { 'x-forwarded-for': '198.51.100.9' } },
      );
    for (let i = 0; i < LIMIT; i++) expectError(await refresh(), 401, 'INVALID_REFRESH_TOKEN');
    expectError(await refresh(), 429, 'RATE_LIMITED');
    const login = await http.login(
      { username: 'rl_nobody', password: PASSWORD },
      { headers: { 'x-forwarded-for': '198.51.100.9' } },
    );
    expect(passed(login)).toBe(true);
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const { http } = sys(direct);
    const rotated = await http.login(
      { username: 'rl_nobody', password: PASSWORD },
      { headers: { 'x-forwarded-for': '203.0.113.77' } },
    );
    expectError(rotated, 429, 'RATE_LIMITED');
  });

  it('gives the budget back after its window', async () => {
    await sleep(TTL_MS + 200);
    expect(passed(await sys(direct).http.login({ username: 'rl_nobody', password: PASSWORD }))).toBe(true);
  });

  it('behind a trusted proxy, counts each forwarded client on its own', async () => {
    const { http } = sys(proxied);
    const from = (ip: string) =>
      http.login({ username: 'rl_nobody', password: PASSWORD }, { headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < LIMIT; i++) expect(passed(await from('198.51.100.1'))).toBe(true);
    expectError(await from('198.51.100.1'), 429, 'RATE_LIMITED');
    expect(passed(await from('198.51.100.2'))).toBe(true);
  });
});
