import { AuthError } from './auth-error';
import { createAuthClient, type SignedOutEvent } from './auth-client';
import type { TokenStorage } from './storage';

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
  credentials: RequestInit['credentials'];
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const error = (status: number, code: string): Response => json(status, { statusCode: status, code, message: code });
const tokens = (n: number) => ({
  accessToken: `access-${n}`,
  accessTokenExpiresAt: new Date().toISOString(),
  refreshToken: `refresh-${n}`,
  refreshTokenExpiresAt: new Date().toISOString(),
  tokenType: 'Bearer',
});

const PUBLIC_PATHS = new Set(['/api/auth/password/forgot', '/api/auth/password/reset', '/api/auth/email/verify']);

/**
 * A fake gateway behind `fetch`: access tokens `access-N` are valid while N is the current generation, older ones
 * are TOKEN_EXPIRED; each refresh (answered after a tick, so concurrent callers overlap it) starts a generation.
 */
function fakeGateway() {
  const calls: Call[] = [];
  let generation = 1;
  let refreshAnswer: (() => Response) | undefined;
  const fetch = jest.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    calls.push({ url, method: init?.method ?? 'GET', headers, body, credentials: init?.credentials });
    const path = new URL(url).pathname;
    if (path === '/api/auth/login') return json(200, { ...tokens(generation), user: { id: 'u', username: 'a' } });
    if (path === '/api/auth/refresh') {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (refreshAnswer) return refreshAnswer();
      generation += 1;
      return json(200, tokens(generation));
    }
    if (PUBLIC_PATHS.has(path)) return json(200, { message: 'accepted' });
    const token = headers.get('authorization')?.replace('Bearer ', '');
    if (token !== `access-${generation}`) return error(401, 'TOKEN_EXPIRED');
    return json(200, { id: 'u', username: 'a', sessionId: 's' });
  });
  return {
    fetch,
    calls,
    refreshes: () => calls.filter((call) => call.url.endsWith('/api/auth/refresh')),
    expire: () => (generation += 1),
    failRefresh: (answer: () => Response) => (refreshAnswer = answer),
  };
}

describe('createAuthClient', () => {
  it('shares one refresh between 10 calls that found their token expired, then retries each once', async () => {
    const gateway = fakeGateway();
    const client = createAuthClient({ baseUrl: 'http://gw.test/', fetch: gateway.fetch });
    await client.login({ username: 'a', password: 'p' });
    gateway.expire();
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.me()));
    expect(answers).toHaveLength(10);
    expect(gateway.refreshes()).toHaveLength(1);
    expect(gateway.refreshes()[0].body).toEqual({ refreshToken: 'refresh-1' });
    expect(gateway.calls.filter((call) => call.url === 'http://gw.test/api/auth/me')).toHaveLength(20);
  });

  it('retries only once: a second TOKEN_EXPIRED is thrown', async () => {
    const gateway = fakeGateway();
    const client = createAuthClient({ baseUrl: 'http://gw.test', fetch: gateway.fetch });
    await client.login({ username: 'a', password: 'p' });
    gateway.fetch.mockImplementationOnce(() => Promise.resolve(error(401, 'TOKEN_EXPIRED')));
    gateway.fetch.mockImplementationOnce(() => Promise.resolve(json(200, tokens(7))));
    gateway.fetch.mockImplementationOnce(() => Promise.resolve(error(401, 'TOKEN_EXPIRED')));
    await expect(client.me()).rejects.toMatchObject({ code: 'TOKEN_EXPIRED', status: 401 });
    expect(gateway.fetch).toHaveBeenCalledTimes(4);
  });

  it('a refused refresh signs out once, clears the storage and tells every listener', async () => {
    const gateway = fakeGateway();
    const stored: string[] = [];
    const storage: TokenStorage = {
      get: () => Promise.resolve(stored.at(-1)),
      set: (token) => void stored.push(token),
      remove: () => void (stored.length = 0),
    };
    const events: SignedOutEvent[] = [];
    const client = createAuthClient({ baseUrl: 'http://gw.test', fetch: gateway.fetch, storage });
    client.onSignedOut((event) => events.push(event));
    const unsubscribed = jest.fn();
    client.onSignedOut(unsubscribed)();
    await client.login({ username: 'a', password: 'p' });
    expect(stored).toEqual(['refresh-1']);
    gateway.expire();
    gateway.failRefresh(() => error(401, 'REFRESH_TOKEN_REUSED'));
    await expect(Promise.all([client.me(), client.me()])).rejects.toMatchObject({ code: 'REFRESH_TOKEN_REUSED' });
    expect(client.isSignedIn()).toBe(false);
    expect(stored).toEqual([]);
    expect(events).toEqual([{ reason: 'refresh-failed', error: expect.any(AuthError) }]);
    expect(unsubscribed).not.toHaveBeenCalled();
  });

  it('stays signed in when the refresh fails for a passing reason (503)', async () => {
    const gateway = fakeGateway();
    const onSignedOut = jest.fn();
    const client = createAuthClient({ baseUrl: 'http://gw.test', fetch: gateway.fetch, onSignedOut });
    await client.login({ username: 'a', password: 'p' });
    gateway.failRefresh(() => error(503, 'AUTH_UNAVAILABLE'));
    await expect(client.refresh()).rejects.toMatchObject({ code: 'AUTH_UNAVAILABLE', status: 503 });
    expect(client.isSignedIn()).toBe(true);
    expect(onSignedOut).not.toHaveBeenCalled();
  });

  it('cookie mode: X-Auth-Mode on every auth call, credentials included, no refresh token in JS', async () => {
    const gateway = fakeGateway();
    const storage = { get: jest.fn(), set: jest.fn(), remove: jest.fn() };
    const client = createAuthClient({ baseUrl: 'http://gw.test', mode: 'cookie', fetch: gateway.fetch, storage });
    expect(await client.me()).toEqual({ id: 'u', username: 'a', sessionId: 's' });
    await client.login({ username: 'a', password: 'p' });
    await client.refresh();
    for (const call of gateway.calls) {
      expect(call.headers.get('x-auth-mode')).toBe('cookie');
      expect(call.credentials).toBe('include');
    }
    expect(gateway.refreshes().map((call) => call.body)).toEqual([undefined, undefined]);
    expect(storage.set).not.toHaveBeenCalled();
  });

  it('fetch sends the token to another URL, keeps the caller headers and does not add X-Auth-Mode', async () => {
    const gateway = fakeGateway();
    const client = createAuthClient({ baseUrl: 'http://gw.test', mode: 'cookie', fetch: gateway.fetch });
    await client.login({ username: 'a', password: 'p' });
    await client.fetch('http://notes.test/api/notes', { method: 'POST', headers: { 'x-extra': '1' } });
    const call = gateway.calls.at(-1);
    expect(call?.headers.get('authorization')).toBe('Bearer access-1');
    expect(call?.headers.get('x-extra')).toBe('1');
    expect(call?.headers.get('x-auth-mode')).toBeNull();
  });

  it('turns failures into AuthError: contract bodies, other bodies, no answer at all', async () => {
    const fetch = jest
      .fn<Promise<Response>, [string | URL | Request, RequestInit?]>()
      .mockResolvedValueOnce(
        json(400, {
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: 'bad',
          details: [{ field: 'x', messages: [] }],
        }),
      )
      .mockResolvedValueOnce(new Response('<html>', { status: 502 }))
      .mockRejectedValueOnce(new TypeError('fetch failed'));
    const client = createAuthClient({ baseUrl: 'http://gw.test', fetch });
    const credentials = { username: 'a', password: 'p' };
    await expect(client.signup(credentials)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      status: 400,
      message: 'bad',
      details: [{ field: 'x', messages: [] }],
    });
    await expect(client.signup(credentials)).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE', status: 502 });
    const offline = await client.signup(credentials).catch((thrown: unknown) => thrown);
    expect(offline).toBeInstanceOf(AuthError);
    expect(offline).toMatchObject({ code: 'NETWORK_ERROR', status: 0, cause: expect.any(TypeError) });
  });

  it('logout signs out locally even when the session had already ended', async () => {
    const gateway = fakeGateway();
    const events: SignedOutEvent[] = [];
    const client = createAuthClient({
      baseUrl: 'http://gw.test',
      fetch: gateway.fetch,
      onSignedOut: (e) => events.push(e),
    });
    await client.login({ username: 'a', password: 'p' });
    gateway.fetch.mockImplementationOnce(() => Promise.resolve(error(401, 'SESSION_REVOKED')));
    await client.logout();
    expect(client.isSignedIn()).toBe(false);
    expect(events.map((event) => event.reason)).toEqual(['session-revoked']);
  });

  it('recovery calls: public ones send no token, the others the access token; deleting the account signs out', async () => {
    const gateway = fakeGateway();
    const signedOut = jest.fn();
    const client = createAuthClient({ baseUrl: 'http://gw.test', fetch: gateway.fetch, onSignedOut: signedOut });
    await client.login({ username: 'a', password: 'p' });

    await client.forgotPassword({ email: 'a@example.com' });
    await client.resetPassword({ token: 't'.repeat(43), newPassword: 'n' });
    await client.verifyEmail({ token: 't'.repeat(43) });
    await client.changeEmail({ email: 'b@example.com', currentPassword: 'p' });
    await client.resendVerification();
    await client.deleteAccount({ currentPassword: 'p' });

    const sent = gateway.calls.slice(1).map((call) => ({
      route: `${call.method} ${new URL(call.url).pathname}`,
      token: call.headers.get('authorization'),
      body: call.body,
    }));
    expect(sent).toEqual([
      { route: 'POST /api/auth/password/forgot', token: null, body: { email: 'a@example.com' } },
      { route: 'POST /api/auth/password/reset', token: null, body: { token: 't'.repeat(43), newPassword: 'n' } },
      { route: 'POST /api/auth/email/verify', token: null, body: { token: 't'.repeat(43) } },
      {
        route: 'POST /api/auth/email',
        token: 'Bearer access-1',
        body: { email: 'b@example.com', currentPassword: 'p' },
      },
      { route: 'POST /api/auth/email/verify/resend', token: 'Bearer access-1', body: {} },
      { route: 'DELETE /api/auth/account', token: 'Bearer access-1', body: { currentPassword: 'p' } },
    ]);
    expect(client.isSignedIn()).toBe(false);
    expect(signedOut).toHaveBeenCalledWith({ reason: 'logout' });
  });
});
