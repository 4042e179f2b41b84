/**
 * The built typed client (`dist/libs/client`, `npx nx build client`) against the real gateway: its CommonJS entry
 * in this process and its ESM entry in a Node process of its own. Every method in bearer and cookie mode, the
 * refresh on TOKEN_EXPIRED shared by concurrent calls (refresh requests counted from the gateway's metrics),
 * the signed-out event after a failed refresh, `AuthError` codes, and a package with no runtime dependency.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type * as ClientPackage from '@nestjs-microservices/client';
import { WORKSPACE_ROOT } from './support/paths';
import { scrapeMetrics } from './support/prometheus';
import { LOCALHOST, startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const SUITE = 'client';
const DIST = join(WORKSPACE_ROOT, 'dist', 'libs', 'client');
const APP_ORIGIN = 'http://localhost:5173';
const ACCESS_TTL_MS = 2_000;
const PASSWORD = 'Client-Library-Secret-19';
const NEW_PASSWORD = 'Client-Library-Changed-84';
const COOKIE_NAME = '__Secure-refresh-token';

type Client = ClientPackage.AuthClient<'bearer'>;

function loadCommonJs(): typeof ClientPackage {
  const manifest = JSON.parse(readFileSync(join(DIST, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const entry = (manifest.exports['.'] as { require: { default: string } }).require.default;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(DIST, entry)) as typeof ClientPackage;
}

/** Node has no cookie jar: what a browser would keep for the gateway, by the cookie's own attributes. */
function cookieJarFetch(origin?: string): { fetch: typeof fetch; cookie: () => string | undefined } {
  let value: string | undefined;
  let path = '/';
  const jarFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init?.headers);
    if (value !== undefined && url.pathname.startsWith(path)) headers.set('cookie', `${COOKIE_NAME}=${value}`);
    if (origin) headers.set('origin', origin);
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      if (!pair.startsWith(`${COOKIE_NAME}=`)) continue;
      const maxAge = attributes.find((attribute) => attribute.toLowerCase().startsWith('max-age='));
      path = attributes.find((attribute) => attribute.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      value = maxAge === 'Max-Age=0' ? undefined : pair.slice(COOKIE_NAME.length + 1);
    }
    return response;
  };
  return { fetch: jarFetch, cookie: () => value };
}

describe('the typed client package (dist/libs/client)', () => {
  let system: TestSystem | undefined;
  let pkg: typeof ClientPackage;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system not started');
    return system;
  };

  /** Every `POST /api/auth/refresh` the gateway has answered, whatever the status. */
  async function refreshRequests(): Promise<number> {
    const metrics = await scrapeMetrics(`${sys().baseUrl}/metrics`);
    return metrics.samples
      .filter(
        (sample) =>
          sample.name === 'http_request_duration_seconds_count' &&
          sample.labels['method'] === 'POST' &&
          sample.labels['route'] === '/api/auth/refresh',
      )
      .reduce((sum, sample) => sum + sample.value, 0);
  }

  async function signedUp(
    username: string,
    options: Partial<ClientPackage.AuthClientOptions<'bearer'>> = {},
  ): Promise<Client> {
    const client = pkg.createAuthClient({ baseUrl: `${sys().baseUrl}/`, ...options });
    await client.signup({ username, password: PASSWORD });
    await client.login({ username, password: PASSWORD });
    return client;
  }

  async function authError(call: Promise<unknown>): Promise<ClientPackage.AuthError> {
    const error = await call.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(pkg.AuthError);
    return error as ClientPackage.AuthError;
  }

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'package.json'))) throw new Error(`${DIST} is missing: run npx nx build client`);
    pkg = loadCommonJs();
    system = await startSystem({
      suite: SUITE,
      authEnv: { ACCESS_TOKEN_TTL: `${ACCESS_TTL_MS / 1_000}s` },
      // No clock tolerance: an access token is refused as TOKEN_EXPIRED the second it expires.
      gatewayEnv: { CORS_ORIGINS: APP_ORIGIN, TOKEN_CLOCK_TOLERANCE: '0s' },
    });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('is a package with ESM, CommonJS and bundled declarations, and no dependency', () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest['name']).toBe('@nestjs-microservices/client');
    expect(manifest['dependencies']).toBeUndefined();
    expect(manifest['peerDependencies']).toBeUndefined();
    for (const file of ['index.mjs', 'index.cjs', 'index.d.mts', 'index.d.cts']) {
      const text = readFileSync(join(DIST, file), 'utf8');
      // Neither the unpublished workspace libraries nor any other package is referenced.
      expect({ file, imports: text.match(/(?:from|require\(|import\()\s*['"][^'"]+['"]/g) ?? [] }).toEqual({
        file,
        imports: [],
      });
    }
    expect(readFileSync(join(DIST, 'index.d.mts'), 'utf8')).toMatch(/declare class SessionResponse/);
  });

  it('installs from its npm pack tarball outside the workspace and type-checks as ESM and CommonJS', async () => {
    const run = promisify(execFile);
    const project = mkdtempSync(join(tmpdir(), 'client-consumer-'));
    try {
      await run('npm', ['pack', '--pack-destination', project], { cwd: DIST });
      writeFileSync(join(project, 'package.json'), '{"name":"consumer","private":true}');
      await run('npm', ['install', '--offline', '--no-audit', '--no-fund', './nestjs-microservices-client-0.1.0.tgz'], {
        cwd: project,
      });
      writeFileSync(
        join(project, 'esm.mts'),
        `import { AuthError, createAuthClient, type SessionResponse } from '@nestjs-microservices/client';
         const cookie = createAuthClient({ baseUrl: 'http://x', mode: 'cookie' });
         // @ts-expect-error cookie mode answers without the refresh token
         export const leak = (await cookie.login({ username: 'a', password: 'b' })).refreshToken;
         export const sessions: Promise<SessionResponse[]> = cookie.sessions();
         export const code: AuthError['code'] = new AuthError('CSRF_REJECTED', 403, 'no').code;`,
      );
      writeFileSync(
        join(project, 'cjs.cts'),
        `import { createAuthClient } from '@nestjs-microservices/client';
         export const token = createAuthClient({ baseUrl: 'http://x' })
           .login({ username: 'a', password: 'b' })
           .then((answer) => answer.refreshToken + answer.user.username);`,
      );
      const tsc = join(WORKSPACE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const args = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', '--lib', 'es2022,dom'];
      await run(process.execPath, [tsc, ...args, 'esm.mts', 'cjs.cts'], { cwd: project });
      const { stdout } = await run(
        process.execPath,
        ['-e', "console.log(typeof require('@nestjs-microservices/client').createAuthClient)"],
        { cwd: project },
      );
      expect(stdout.trim()).toBe('function');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('bearer mode: every method against the gateway', async () => {
    const client = await signedUp('lib_alice');
    expect(client.isSignedIn()).toBe(true);
    const me = await client.me();
    expect(me).toEqual({ id: expect.any(String), username: 'lib_alice', sessionId: expect.any(String) });

    const second = pkg.createAuthClient({ baseUrl: sys().baseUrl });
    const login = await second.login({ username: 'lib_alice', password: PASSWORD });
    expect(login.user.username).toBe('lib_alice');
    expect(login.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sessions = await client.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.find((session) => session.current)?.id).toBe(me.sessionId);

    const refreshed = await client.refresh();
    expect(refreshed.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await client.me()).sessionId).toBe(me.sessionId);

    const viaFetch = await client.fetch(`${sys().baseUrl}/api/auth/me`);
    expect(viaFetch.status).toBe(200);
    expect(((await viaFetch.json()) as { username: string }).username).toBe('lib_alice');

    const otherSession = sessions.find((session) => !session.current);
    await client.endSession(otherSession?.id ?? 'missing');
    // SESSION_REVOKED, or INVALID_REFRESH_TOKEN if its access token had expired meanwhile (a 2 s TTL here).
    expect(['SESSION_REVOKED', 'INVALID_REFRESH_TOKEN']).toContain((await authError(second.me())).code);
    expect(second.isSignedIn()).toBe(false);

    await client.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    await client.logout();
    expect(client.isSignedIn()).toBe(false);
    await client.login({ username: 'lib_alice', password: NEW_PASSWORD });
    const third = pkg.createAuthClient({ baseUrl: sys().baseUrl });
    await third.login({ username: 'lib_alice', password: NEW_PASSWORD });
    await client.logoutAll();
    expect(['SESSION_REVOKED', 'INVALID_REFRESH_TOKEN']).toContain((await authError(third.me())).code);
  });

  it('throws AuthError with the contract code, status, message and details', async () => {
    const client = await signedUp('lib_bob');
    const taken = await authError(client.signup({ username: 'LIB_BOB', password: PASSWORD }));
    expect([taken.code, taken.status, taken.name]).toEqual(['USERNAME_TAKEN', 409, 'AuthError']);
    expect(taken.message).toMatch(/\S/);
    const invalid = await authError(client.signup({ username: 'x', password: 'short' }));
    expect([invalid.code, invalid.status]).toEqual(['VALIDATION_FAILED', 400]);
    expect(invalid.details?.map((detail) => detail.field).sort()).toEqual(['password', 'username']);
    const wrong = await authError(client.login({ username: 'lib_bob', password: 'Wrong-Password-Otter-5' }));
    expect([wrong.code, wrong.status]).toEqual(['INVALID_CREDENTIALS', 401]);
    const current = await authError(
      client.changePassword({ currentPassword: 'Nope-Nope-Nope-1', newPassword: NEW_PASSWORD }),
    );
    expect([current.code, current.status]).toEqual(['CURRENT_PASSWORD_INCORRECT', 403]);
    const missing = await authError(client.endSession('0190a6c4-5d2e-7b3a-9c1f-2e4d6a8b0c12'));
    expect([missing.code, missing.status]).toEqual(['SESSION_NOT_FOUND', 404]);
    const unreachable = pkg.createAuthClient({ baseUrl: `http://${LOCALHOST}:1` });
    expect((await authError(unreachable.signup({ username: 'lib_nobody', password: PASSWORD }))).code).toBe(
      'NETWORK_ERROR',
    );
  });

  it('10 parallel calls with an expired access token make exactly 1 refresh request', async () => {
    const client = await signedUp('lib_carol');
    const sessionId = (await client.me()).sessionId;
    await sleep(ACCESS_TTL_MS + 300);
    const before = await refreshRequests();
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.me()));
    expect(answers.map((answer) => answer.sessionId)).toEqual(Array(10).fill(sessionId));
    expect((await refreshRequests()) - before).toBe(1);
    await client.logout();
  });

  it('fetch attaches the access token to any URL and refreshes it once when it has expired', async () => {
    const seen: (string | undefined)[] = [];
    const server: Server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, LOCALHOST, resolve));
    try {
      const client = await signedUp('lib_dave');
      const { port } = server.address() as AddressInfo;
      const other = await client.fetch(`http://${LOCALHOST}:${port}/api/notes`, { headers: { 'x-extra': '1' } });
      expect(other.status).toBe(200);
      expect(seen).toEqual([expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/)]);

      await sleep(ACCESS_TTL_MS + 300);
      const before = await refreshRequests();
      const sessions = await client.fetch(new Request(`${sys().baseUrl}/api/auth/sessions`));
      expect(sessions.status).toBe(200);
      expect((await refreshRequests()) - before).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a failed refresh signs the client out and tells its listeners', async () => {
    const events: ClientPackage.SignedOutEvent[] = [];
    const client = await signedUp('lib_erin', { onSignedOut: (event) => events.push(event) });
    const elsewhere = pkg.createAuthClient({ baseUrl: sys().baseUrl });
    await elsewhere.login({ username: 'lib_erin', password: PASSWORD });
    await elsewhere.logoutAll();
    const failed = await authError(client.refresh());
    expect([failed.code, failed.status]).toEqual(['INVALID_REFRESH_TOKEN', 401]);
    expect(client.isSignedIn()).toBe(false);
    expect(events).toEqual([{ reason: 'refresh-failed', error: failed }]);
    // Signed out: the next call asks for a login instead of sending anything.
    expect((await authError(client.me())).code).toBe('AUTHENTICATION_REQUIRED');
    expect(events).toHaveLength(1);
  });

  it('cookie mode: the refresh token stays in the cookie, refresh and retry go through it, logout clears it', async () => {
    const jar = cookieJarFetch(APP_ORIGIN);
    const events: ClientPackage.SignedOutEvent[] = [];
    const client = pkg.createAuthClient({ baseUrl: sys().baseUrl, mode: 'cookie', fetch: jar.fetch });
    client.onSignedOut((event) => events.push(event));
    await client.signup({ username: 'lib_frank', password: PASSWORD });
    const login = await client.login({ username: 'lib_frank', password: PASSWORD });
    expect(Object.keys(login)).not.toContain('refreshToken');
    const firstCookie = jar.cookie();
    expect(firstCookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const sessionId = (await client.me()).sessionId;

    const refreshed = await client.refresh();
    expect(Object.keys(refreshed)).not.toContain('refreshToken');
    expect(jar.cookie()).not.toBe(firstCookie);

    await sleep(ACCESS_TTL_MS + 300);
    const before = await refreshRequests();
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.me()));
    expect(new Set(answers.map((answer) => answer.sessionId))).toEqual(new Set([sessionId]));
    expect((await refreshRequests()) - before).toBe(1);

    // A reload: a new client with the same cookie jar and no access token gets one by the cookie.
    const reloaded = pkg.createAuthClient({ baseUrl: sys().baseUrl, mode: 'cookie', fetch: jar.fetch });
    expect(reloaded.isSignedIn()).toBe(false);
    expect((await reloaded.sessions()).map((session) => session.id)).toEqual([sessionId]);

    await reloaded.logout();
    expect(jar.cookie()).toBeUndefined();
    expect(events).toEqual([]);
    const afterLogout = await authError(client.refresh());
    expect(afterLogout.code).toBe('INVALID_REFRESH_TOKEN');
    expect(events).toEqual([{ reason: 'refresh-failed', error: afterLogout }]);
  });

  it('cookie mode from a foreign origin: CSRF_REJECTED', async () => {
    const client = pkg.createAuthClient({
      baseUrl: sys().baseUrl,
      mode: 'cookie',
      fetch: cookieJarFetch('https://evil.example').fetch,
    });
    const error = await authError(client.login({ username: 'lib_frank', password: PASSWORD }));
    expect([error.code, error.status]).toEqual(['CSRF_REJECTED', 403]);
  });

  it('the ESM entry works from a Node process of its own', async () => {
    const script = `
      const { createAuthClient, AuthError } = await import(process.env.CLIENT_ESM);
      const client = createAuthClient({ baseUrl: process.env.BASE_URL });
      const credentials = { username: 'lib_esm', password: process.env.PASSWORD };
      await client.signup(credentials);
      const login = await client.login(credentials);
      const me = await client.me();
      const error = await client.signup(credentials).catch((e) => e);
      await client.logout();
      console.log(JSON.stringify({
        refreshToken: typeof login.refreshToken, username: me.username,
        error: { isAuthError: error instanceof AuthError, code: error.code, status: error.status },
        signedIn: client.isSignedIn(),
      }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        CLIENT_ESM: pathToFileURL(join(DIST, 'index.mjs')).href,
        BASE_URL: sys().baseUrl,
        PASSWORD,
      },
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      refreshToken: 'string',
      username: 'lib_esm',
      error: { isAuthError: true, code: 'USERNAME_TAKEN', status: 409 },
      signedIn: false,
    });
  });
});
