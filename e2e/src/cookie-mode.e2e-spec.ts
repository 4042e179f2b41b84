/**
 * Cookie mode for browser apps (`X-Auth-Mode: cookie`): the refresh token lives in an HttpOnly cookie and never
 * in a body; refresh reads the cookie and rotates it; logout and logout-all clear it; a cookie-authenticated
 * request without the header or from a foreign origin is refused with 403 CSRF_REJECTED and changes nothing;
 * CORS answers with credentials for configured origins only; without the header everything is as before.
 */
import { expectError, expectNoSecretsIn, REFRESH_TOKEN_FORMAT } from './support/contract';
import type { HttpResponse, RequestOptions } from './support/http';
import { expectAccessToken, expectLogin, expectNoContent, expectSessionList, ROUTES } from './support/session-client';
import { startSystem, type TestSystem } from './support/system';

const SUITE = 'cookie-mode';
const APP_ORIGIN = 'http://localhost:5173';
const FOREIGN_ORIGIN = 'https://evil.example';
const COOKIE_NAME = '__Secure-refresh-token';
const COOKIE_PATH = '/api/auth/refresh';
const COOKIE_MODE = { 'x-auth-mode': 'cookie' };
const PASSWORD = 'Cookie-Jar-Secret-77';
/** A cookie-mode body: the login answer without `refreshToken`. */
const COOKIE_TOKEN_KEYS = ['accessToken', 'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'tokenType'];

interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function parseSetCookie(response: HttpResponse): SetCookie[] {
  return response.headers.getSetCookie().map((line) => {
    const [pair, ...rest] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const attributes = new Map<string, string>();
    for (const attribute of rest) {
      const at = attribute.indexOf('=');
      if (at < 0) attributes.set(attribute.toLowerCase(), '');
      else attributes.set(attribute.slice(0, at).toLowerCase(), attribute.slice(at + 1));
    }
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
  });
}

/** The one refresh cookie a response sets, with every attribute the issue requires. */
function expectRefreshCookie(response: HttpResponse): string {
  const cookies = parseSetCookie(response);
  expect(cookies.map((cookie) => cookie.name)).toEqual([COOKIE_NAME]);
  const [cookie] = cookies;
  expect(cookie.value).toMatch(REFRESH_TOKEN_FORMAT);
  expect([...cookie.attributes.keys()].sort()).toEqual(['httponly', 'max-age', 'path', 'samesite', 'secure']);
  expect(cookie.attributes.get('path')).toBe(COOKIE_PATH);
  expect(cookie.attributes.get('samesite')).toBe('Strict');
  const body = response.body as { refreshTokenExpiresAt: string };
  const maxAge = Number(cookie.attributes.get('max-age'));
  const expected = (Date.parse(body.refreshTokenExpiresAt) - Date.now()) / 1_000;
  expect(Math.abs(maxAge - expected)).toBeLessThan(5);
  return cookie.value;
}

function expectCookieCleared(response: HttpResponse): void {
  const cookies = parseSetCookie(response);
  expect(cookies.map((cookie) => cookie.name)).toEqual([COOKIE_NAME]);
  expect(cookies[0].value).toBe('');
  expect(cookies[0].attributes.get('max-age')).toBe('0');
  expect(cookies[0].attributes.get('path')).toBe(COOKIE_PATH);
}

function expectCookieBody(response: HttpResponse, keys: readonly string[]): void {
  expect(response.status).toBe(200);
  expect(Object.keys(response.body as object).sort()).toEqual([...keys].sort());
}

describe('cookie mode and CSRF', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system not started');
    return system;
  };
  const cookieValues = new Set<string>();

  beforeAll(async () => {
    system = await startSystem({ suite: SUITE, gatewayEnv: { CORS_ORIGINS: APP_ORIGIN } });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  /** `POST /api/auth/refresh` with no body, as a browser sends it in cookie mode. */
  const refreshByCookie = (cookie: string | undefined, headers: Record<string, string> = COOKIE_MODE) =>
    sys().http.request('POST', ROUTES.refresh, {
      headers: { ...headers, ...(cookie !== undefined && { cookie: `${COOKIE_NAME}=${cookie}` }) },
    });

  async function cookieLogin(username: string, options: RequestOptions = {}) {
    const response = await sys().http.login(
      { username, password: PASSWORD },
      { headers: { ...COOKIE_MODE, ...options.headers } },
    );
    return response;
  }

  async function newCookieSession(username: string) {
    expect((await sys().http.signup({ username, password: PASSWORD })).status).toBe(201);
    const response = await cookieLogin(username, { headers: { origin: APP_ORIGIN } });
    expectCookieBody(response, ['user', ...COOKIE_TOKEN_KEYS]);
    const cookie = expectRefreshCookie(response);
    cookieValues.add(cookie);
    const { accessToken } = response.body as { accessToken: string };
    return { cookie, accessToken, sessionId: expectAccessToken(accessToken, { username }).claims.sid };
  }

  it('login in cookie mode sets the refresh token in a Secure HttpOnly SameSite=Strict cookie, not in the body', async () => {
    const { accessToken, cookie } = await newCookieSession('cookie_alice');
    expect((await sys().http.me(accessToken)).status).toBe(200);
    expect(JSON.stringify(sys().http.history.at(-2)?.body)).not.toContain(cookie);
  });

  it('refresh reads the cookie, rotates it, and answers without a refresh token', async () => {
    const { cookie, sessionId } = await newCookieSession('cookie_bob');
    const first = await refreshByCookie(cookie, { ...COOKIE_MODE, origin: APP_ORIGIN });
    expectCookieBody(first, COOKIE_TOKEN_KEYS);
    const rotated = expectRefreshCookie(first);
    cookieValues.add(rotated);
    expect(rotated).not.toBe(cookie);
    expect(first.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(first.headers.get('access-control-allow-credentials')).toBe('true');
    const { accessToken } = first.body as { accessToken: string };
    expect(expectAccessToken(accessToken, { username: 'cookie_bob' }).claims.sid).toBe(sessionId);
    // No Origin at all (a non-browser client or a same-origin GET-less fetch) is fine with the header.
    const second = await refreshByCookie(rotated);
    expectCookieBody(second, COOKIE_TOKEN_KEYS);
    cookieValues.add(expectRefreshCookie(second));
  });

  it('refuses a cookie refresh without X-Auth-Mode: cookie (403 CSRF_REJECTED) and leaves the session as it was', async () => {
    const { cookie } = await newCookieSession('cookie_carol');
    const withoutHeader = await refreshByCookie(cookie, {});
    expectError(withoutHeader, 403, 'CSRF_REJECTED');
    expect(withoutHeader.headers.getSetCookie()).toEqual([]);
    const wrongValue = await refreshByCookie(cookie, { 'x-auth-mode': 'bearer' });
    expectError(wrongValue, 403, 'CSRF_REJECTED');
    // The cookie was not used up: it still refreshes once.
    const after = await refreshByCookie(cookie);
    expectCookieBody(after, COOKIE_TOKEN_KEYS);
    cookieValues.add(expectRefreshCookie(after));
  });

  it('refuses a cookie refresh from a foreign origin (403 CSRF_REJECTED) and leaves the session as it was', async () => {
    const { cookie } = await newCookieSession('cookie_dave');
    const foreign = await refreshByCookie(cookie, { ...COOKIE_MODE, origin: FOREIGN_ORIGIN });
    expectError(foreign, 403, 'CSRF_REJECTED');
    expect(foreign.headers.getSetCookie()).toEqual([]);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expectError(await refreshByCookie(cookie, { ...COOKIE_MODE, origin: 'null' }), 403, 'CSRF_REJECTED');
    const after = await refreshByCookie(cookie, { ...COOKIE_MODE, origin: APP_ORIGIN });
    expectCookieBody(after, COOKIE_TOKEN_KEYS);
    cookieValues.add(expectRefreshCookie(after));
  });

  it('refuses a cookie-mode login from a foreign origin: no cookie, no session', async () => {
    const { accessToken } = await newCookieSession('cookie_erin');
    const foreign = await cookieLogin('cookie_erin', { headers: { origin: FOREIGN_ORIGIN } });
    expectError(foreign, 403, 'CSRF_REJECTED');
    expect(foreign.headers.getSetCookie()).toEqual([]);
    expect(expectSessionList(await sys().http.authed('GET', ROUTES.sessions, accessToken))).toHaveLength(1);
  });

  it('a cookie-mode refresh without a cookie is 401 INVALID_REFRESH_TOKEN', async () => {
    expectError(await refreshByCookie(undefined), 401, 'INVALID_REFRESH_TOKEN');
    const unknown = await refreshByCookie('A'.repeat(43));
    expectError(unknown, 401, 'INVALID_REFRESH_TOKEN');
    expectCookieCleared(unknown);
  });

  it('logout clears the cookie and the cookie no longer refreshes', async () => {
    const { cookie, accessToken } = await newCookieSession('cookie_frank');
    const logout = await sys().http.authed('POST', ROUTES.logout, accessToken, { headers: COOKIE_MODE });
    expectNoContent(logout);
    expectCookieCleared(logout);
    const refused = await refreshByCookie(cookie);
    expectError(refused, 401, 'INVALID_REFRESH_TOKEN');
    expectCookieCleared(refused);
  });

  it('logout-all clears the cookie and ends every session', async () => {
    const { cookie, accessToken } = await newCookieSession('cookie_grace');
    const other = await cookieLogin('cookie_grace');
    const otherCookie = expectRefreshCookie(other);
    cookieValues.add(otherCookie);
    const logoutAll = await sys().http.authed('POST', ROUTES.logoutAll, accessToken, { headers: COOKIE_MODE });
    expectNoContent(logoutAll);
    expectCookieCleared(logoutAll);
    expectError(await refreshByCookie(cookie), 401, 'INVALID_REFRESH_TOKEN');
    expectError(await refreshByCookie(otherCookie), 401, 'INVALID_REFRESH_TOKEN');
  });

  it('answers a preflight for X-Auth-Mode with credentials for the configured origin only', async () => {
    const preflight = (origin: string) =>
      sys().http.request('OPTIONS', ROUTES.refresh, {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-auth-mode' },
      });
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-auth-mode');
    const foreign = await preflight(FOREIGN_ORIGIN);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('bearer mode is unchanged: refresh token in the body, no cookie, a stray cookie ignored', async () => {
    const username = 'bearer_henry';
    expect((await sys().http.signup({ username, password: PASSWORD })).status).toBe(201);
    const login = await sys().http.login({ username, password: PASSWORD });
    const { tokens } = expectLogin(login, username);
    expect(login.headers.getSetCookie()).toEqual([]);
    const refreshed = await sys().http.refresh(tokens.refreshToken, {
      headers: { cookie: `${COOKIE_NAME}=${'B'.repeat(43)}` },
    });
    expect(refreshed.status).toBe(200);
    expect((refreshed.body as { refreshToken: string }).refreshToken).toMatch(REFRESH_TOKEN_FORMAT);
    expect(refreshed.headers.getSetCookie()).toEqual([]);
    const logout = await sys().http.authed(
      'POST',
      ROUTES.logout,
      (refreshed.body as { accessToken: string }).accessToken,
    );
    expectNoContent(logout);
    expect(logout.headers.getSetCookie()).toEqual([]);
  });

  it('never put a cookie-mode refresh token in any body', () => {
    expect(cookieValues.size).toBeGreaterThan(5);
    expectNoSecretsIn(sys().http.history, cookieValues);
  });
});
