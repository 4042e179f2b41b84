/**
 * Cookie mode in a real browser (Debian's Chromium) over plain HTTP on localhost, with the built client's ESM entry:
 * an app on one localhost port, the gateway on another. The Secure HttpOnly cookie is kept and sent on
 * http://localhost, scripts see no token, a reload signs in again by the cookie, a page of another site gets nothing,
 * and logout deletes the cookie.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type Browser, describeWithBrowser, launchChromium } from './support/browser';
import { WORKSPACE_ROOT } from './support/paths';
import { refreshesAnswered } from './support/prometheus';
import { LOCALHOST, startSystem, type TestSystem } from './support/system';
import { getFreePort } from './support/ports';

const CLIENT_ESM = join(WORKSPACE_ROOT, 'dist', 'libs', 'client', 'index.mjs');
const PASSWORD = 'Browser-Cookie-Secret-62';
const PAGE = `<!doctype html><meta charset="utf-8"><title>app</title>
<script type="module">import * as client from '/client.mjs'; window.client = client; document.title = 'ready';</script>`;

/** A static "app": the page above and the client package, from one port. */
async function startApp(port: number): Promise<Server> {
  const script = readFileSync(CLIENT_ESM, 'utf8');
  const server = createServer((request, response) => {
    if (request.url === '/client.mjs') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(port, LOCALHOST, resolve));
  return server;
}

interface PageResult {
  ok: boolean;
  value?: unknown;
  code?: string;
}

/** Runs `body` in the page with a cookie-mode client `auth` bound to the gateway, and reports what happened. */
function inPage(page: Page, gateway: string, body: string): Promise<PageResult> {
  return page.evaluate(`(async () => {
    globalThis.auth ??= globalThis.client.createAuthClient({ baseUrl: ${JSON.stringify(gateway)}, mode: 'cookie' });
    const auth = globalThis.auth;
    try {
      return { ok: true, value: await (async () => { ${body} })() };
    } catch (error) {
      return { ok: false, code: error.code };
    }
  })()`) as Promise<PageResult>;
}

const READY = "document.title === 'ready'";

describeWithBrowser('cookie mode in Chromium on http://localhost', () => {
  let system: TestSystem | undefined;
  let browser: Browser | undefined;
  let app: Server | undefined;
  let appOrigin = '';
  let gateway = '';
  const sys = (): TestSystem => {
    if (!system) throw new Error('system not started');
    return system;
  };

  async function openApp(origin: string): Promise<Page> {
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${origin}/`);
    await page.waitForFunction(READY);
    return page;
  }

  beforeAll(async () => {
    const appPort = await getFreePort(LOCALHOST);
    appOrigin = `http://localhost:${appPort}`;
    browser = await launchChromium();
    system = await startSystem({ suite: 'cookie-browser', gatewayEnv: { CORS_ORIGINS: appOrigin } });
    gateway = `http://localhost:${system.gatewayPort}`;
    app = await startApp(appPort);
  });

  afterAll(async () => {
    await browser?.close();
    app?.closeAllConnections();
    await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
    await system?.teardown();
  });

  it('keeps the refresh token in a Secure HttpOnly cookie no script can see, and signs in again after a reload', async () => {
    const page = await openApp(appOrigin);
    const signedIn = await inPage(
      page,
      gateway,
      `await auth.signup({ username: 'browser_alice', password: '${PASSWORD}' });
       const login = await auth.login({ username: 'browser_alice', password: '${PASSWORD}' });
       const me = await auth.me();
       return { keys: Object.keys(login).sort(), username: me.username, cookie: document.cookie, stored: localStorage.length + sessionStorage.length };`,
    );
    expect(signedIn).toEqual({
      ok: true,
      value: {
        keys: ['accessToken', 'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'tokenType', 'user'],
        username: 'browser_alice',
        cookie: '',
        stored: 0,
      },
    });
    const cookies = await browser?.context.cookies(gateway);
    expect(cookies).toEqual([]); // sent only to /api/auth/refresh
    const refreshCookies = await browser?.context.cookies(`${gateway}/api/auth/refresh`);
    expect(
      refreshCookies?.map(({ name, httpOnly, secure, sameSite, path }) => ({ name, httpOnly, secure, sameSite, path })),
    ).toEqual([
      { name: '__Secure-refresh-token', httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth/refresh' },
    ]);

    await page.reload();
    await page.waitForFunction(READY);
    const before = await refreshesAnswered(sys().baseUrl, '200');
    const reloaded = await inPage(page, gateway, `return (await auth.me()).username;`);
    expect(reloaded).toEqual({ ok: true, value: 'browser_alice' });
    expect((await refreshesAnswered(sys().baseUrl, '200')) - before).toBe(1);
    await page.close();
  });

  it('a page of another site cannot use the session', async () => {
    const foreignPort = await getFreePort(LOCALHOST);
    const foreign = await startApp(foreignPort);
    try {
      // 127.0.0.1 is another site than localhost, and not in CORS_ORIGINS.
      const page = await openApp(`http://${LOCALHOST}:${foreignPort}`);
      const [before, refused] = [
        await refreshesAnswered(sys().baseUrl, '200'),
        await refreshesAnswered(sys().baseUrl, '400'),
      ];
      expect(await inPage(page, gateway, `return (await auth.me()).username;`)).toEqual({
        ok: false,
        code: 'NETWORK_ERROR',
      });
      // A request a page can make without a preflight: no custom header, so no cookie use is allowed; and the
      // SameSite=Strict cookie is not even sent from another site. (helmet's CORP header also hides the answer.)
      const blind = await inPage(
        page,
        gateway,
        `try {
           return (await fetch('${gateway}/api/auth/refresh', { method: 'POST', mode: 'no-cors', credentials: 'include' })).type;
         } catch {
           return 'blocked';
         }`,
      );
      expect(['opaque', 'blocked']).toContain(blind.value);
      expect((await refreshesAnswered(sys().baseUrl, '400')) - refused).toBe(1);
      expect((await refreshesAnswered(sys().baseUrl, '200')) - before).toBe(0);
      await page.close();
    } finally {
      foreign.closeAllConnections();
      await new Promise((resolve) => foreign.close(resolve));
    }
  });

  it('logout deletes the cookie: a reload is signed out', async () => {
    const page = await openApp(appOrigin);
    expect(await inPage(page, gateway, `await auth.me(); await auth.logout(); return auth.isSignedIn();`)).toEqual({
      ok: true,
      value: false,
    });
    expect(await browser?.context.cookies(`${gateway}/api/auth/refresh`)).toEqual([]);
    await page.reload();
    await page.waitForFunction(READY);
    expect(await inPage(page, gateway, `return await auth.me();`)).toEqual({
      ok: false,
      code: 'INVALID_REFRESH_TOKEN',
    });
    await page.close();
  });
});
