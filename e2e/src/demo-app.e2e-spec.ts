/**
 * The demo web app (apps/demo-web) in Chromium, served by the example service at `/` on http://localhost, talking to
 * the gateway (another port: same site, another origin) in cookie mode: the whole flow through the page's own buttons,
 * no token where a script can read it, a reload stays signed in, "log out everywhere" in a second browser ends the
 * first one's access at the example service within 2 s, and a page of another origin cannot use the session.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type Browser, describeWithBrowser, launchChromium } from './support/browser';
import { WORKSPACE_ROOT } from './support/paths';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { refreshesAnswered } from './support/prometheus';
import { createExampleProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const SUITE = 'demo-app';
const FEED_TOKEN = randomBytes(32).toString('base64url');
const USERNAME = 'demo_alice';
const PASSWORD = 'Demo-Notes-Secret-Kestrel-41';
const REVOCATION_DEADLINE_MS = 2_000;
// Looks like markup: it must come back as text, never as elements.
const HOSTILE_NOTE = '<img src=x onerror="window.__xss = 1">Buy milk & <b>bread</b>';
// `UPDATE_DEMO_SCREENSHOT=1` refreshes the picture in the README and docs/demo-app.md; otherwise it goes to tmp/.
const SCREENSHOT = process.env['UPDATE_DEMO_SCREENSHOT']
  ? join(WORKSPACE_ROOT, 'docs', 'images', 'demo-signed-in.png')
  : join(WORKSPACE_ROOT, 'tmp', 'e2e-screenshots', 'demo-signed-in.png');

type State = 'loading' | 'signed-in' | 'signed-out';

const stateIs = (page: Page, state: State) => page.waitForSelector(`body[data-state="${state}"]`);

/** What a script on the page can read: cookies and both storages. */
const scriptVisible = (page: Page) =>
  page.evaluate(`({
    cookie: document.cookie,
    storage: [...Object.values(localStorage), ...Object.values(sessionStorage)],
  })`);

describeWithBrowser('demo web app (apps/demo-web) in Chromium', () => {
  let system: TestSystem | undefined;
  let example: AppProcess | undefined;
  const browsers: Browser[] = [];
  let appOrigin = '';
  let pageA: Page;
  let pageB: Page;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system not started');
    return system;
  };

  async function openApp(browser: Browser | undefined, origin = appOrigin): Promise<Page> {
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${origin}/`);
    return page;
  }

  async function logIn(page: Page, button: '#login' | '#signup'): Promise<void> {
    await stateIs(page, 'signed-out');
    await page.fill('#auth-username', USERNAME);
    await page.fill('#auth-password', PASSWORD);
    await page.click(button);
    await stateIs(page, 'signed-in');
    await page.waitForSelector('#notes li');
  }

  /** Clicks "Reload" in the notes and returns the example service's status for that request. */
  async function reloadNotes(page: Page): Promise<number> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${appOrigin}/api/notes` && r.request().method() === 'GET'),
      page.click('#reload-notes'),
    ]);
    return response.status();
  }

  beforeAll(async () => {
    const port = await getFreePort(LOCALHOST);
    appOrigin = `http://localhost:${port}`;
    // Two profiles: two users' browsers, each with its own cookie jar.
    browsers.push(await launchChromium(), await launchChromium());
    system = await startSystem({
      suite: SUITE,
      gatewayEnv: { CORS_ORIGINS: appOrigin, REVOCATION_FEED_TOKEN: FEED_TOKEN },
    });
    // The page knows the gateway by the same host name as itself (localhost): one site, so the cookie is sent.
    example = createExampleProcess({
      suite: SUITE,
      cwd: system.workDir,
      port,
      gatewayUrl: system.baseUrl,
      feedToken: FEED_TOKEN,
      env: { PUBLIC_GATEWAY_URL: `http://localhost:${system.gatewayPort}` },
    });
    await example.start();
    pageA = await openApp(browsers[0]);
  }, 60_000);

  afterAll(async () => {
    for (const browser of browsers) await browser.close();
    await example?.stop();
    await system?.teardown();
  });

  it('signs up, adds and lists notes (user text shown as text), with no token where a script can read it', async () => {
    await logIn(pageA, '#signup');
    expect(await pageA.textContent('#username')).toBe(USERNAME);
    expect(await pageA.textContent('#notes')).toBe('No notes yet.');

    for (const text of [HOSTILE_NOTE, 'Call the plumber']) {
      await pageA.fill('#note-text', text);
      await pageA.click('#note-form button[type="submit"]');
      await pageA.locator('#notes li', { hasText: text }).waitFor();
    }
    const notes = await pageA.$$eval('#notes li', (items) => items.map((li) => li.firstChild?.textContent));
    expect(notes).toEqual([HOSTILE_NOTE, 'Call the plumber']);
    expect(await pageA.$$eval('#notes img, #notes b', (found) => found.length)).toBe(0);
    expect(await pageA.evaluate('window.__xss')).toBeUndefined();

    expect(await scriptVisible(pageA)).toEqual({ cookie: '', storage: [] });
    // The refresh cookie exists, HttpOnly, on the gateway's refresh path only.
    const cookies = await browsers[0]?.context.cookies(`http://localhost:${sys().gatewayPort}/api/auth/refresh`);
    expect(cookies?.map(({ name, httpOnly }) => ({ name, httpOnly }))).toEqual([
      { name: '__Secure-refresh-token', httpOnly: true },
    ]);
  });

  it('stays signed in after a reload (refresh by the cookie), still with no token visible to scripts', async () => {
    const before = await refreshesAnswered(sys().baseUrl, '200');
    await pageA.reload();
    await stateIs(pageA, 'signed-in');
    await pageA.waitForSelector('#notes li');
    expect(await pageA.textContent('#username')).toBe(USERNAME);
    expect(await pageA.$$eval('#notes li', (items) => items.length)).toBe(2);
    expect((await refreshesAnswered(sys().baseUrl, '200')) - before).toBe(1);
    expect(await scriptVisible(pageA)).toEqual({ cookie: '', storage: [] });
  });

  it("lists the sessions and ends another browser's session: its next notes request is refused", async () => {
    pageB = await openApp(browsers[1]);
    await logIn(pageB, '#login');
    await pageA.reload();
    await stateIs(pageA, 'signed-in');
    await pageA.locator('#sessions li').nth(1).waitFor();
    await pageA.waitForSelector('#notes li');
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await pageA.screenshot({ path: SCREENSHOT });

    expect(await pageA.$$eval('#sessions li', (items) => items.map((li) => li.firstChild?.textContent))).toContain(
      'This browser',
    );
    await pageA.click('#sessions .end-session');
    await pageA.locator('#sessions li').nth(1).waitFor({ state: 'detached' });

    const ended = Date.now();
    let status = await reloadNotes(pageB);
    while (status === 200 && Date.now() - ended < REVOCATION_DEADLINE_MS) {
      await sleep(100);
      status = await reloadNotes(pageB);
    }
    expect(status).toBe(401);
    await stateIs(pageB, 'signed-out');
  });

  it('"log out everywhere" in one browser ends the other\'s access at the example service within 2 s', async () => {
    await logIn(pageB, '#login');
    expect(await reloadNotes(pageA)).toBe(200);

    await pageB.click('#logout-all');
    await stateIs(pageB, 'signed-out');
    const loggedOut = Date.now();
    let lastAsked = loggedOut;
    let status = await reloadNotes(pageA);
    while (status === 200 && Date.now() - loggedOut < REVOCATION_DEADLINE_MS + 1_000) {
      await sleep(100);
      lastAsked = Date.now();
      status = await reloadNotes(pageA);
    }
    expect(status).toBe(401);
    expect(lastAsked - loggedOut).toBeLessThanOrEqual(REVOCATION_DEADLINE_MS);
    await stateIs(pageA, 'signed-out');
    expect(await pageA.textContent('#message')).toMatch(/ended/);

    // And for good: a reload finds no valid refresh cookie.
    await pageA.reload();
    await stateIs(pageA, 'signed-out');
  });

  it('a page of another origin cannot use the session (CORS and CSRF)', async () => {
    await logIn(pageA, '#login');
    const foreignPort = await getFreePort(LOCALHOST);
    const foreign: Server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((resolve) => foreign.listen(foreignPort, LOCALHOST, resolve));
    try {
      // localhost on another port: the same site (the SameSite cookie goes along), another origin, not in CORS_ORIGINS.
      const page = await openApp(browsers[0], `http://localhost:${foreignPort}`);
      const refresh = `http://localhost:${sys().gatewayPort}/api/auth/refresh`;
      const [ok, refused] = [
        await refreshesAnswered(sys().baseUrl, '200'),
        await refreshesAnswered(sys().baseUrl, '403'),
      ];
      const attempts = await page.evaluate(async (url) => {
        const attempt = async (init: RequestInit): Promise<string> => {
          try {
            const response = await fetch(url, { method: 'POST', credentials: 'include', ...init });
            return response.type === 'opaque' ? 'opaque' : `read ${response.status}`;
          } catch {
            return 'blocked';
          }
        };
        return {
          // With the header the client sends: the preflight is refused, the POST never leaves.
          asTheClient: await attempt({ headers: { 'x-auth-mode': 'cookie' } }),
          // Without it (no preflight): sent blind, and refused by the gateway for lack of the header.
          blind: await attempt({ mode: 'no-cors' }),
        };
      }, refresh);
      expect(attempts.asTheClient).toBe('blocked');
      // The answer is hidden from the page either way (opaque, or blocked by the gateway's CORP header).
      expect(['opaque', 'blocked']).toContain(attempts.blind);
      expect((await refreshesAnswered(sys().baseUrl, '403')) - refused).toBe(1);
      expect((await refreshesAnswered(sys().baseUrl, '200')) - ok).toBe(0);
      await page.close();

      // The cookie was not used up: the app itself still signs in with it.
      await pageA.reload();
      await stateIs(pageA, 'signed-in');
    } finally {
      foreign.closeAllConnections();
      await new Promise((resolve) => foreign.close(resolve));
    }
  });

  it('logs out: the page and a reload are signed out, the cookie is gone', async () => {
    await pageA.click('#logout');
    await stateIs(pageA, 'signed-out');
    expect(await browsers[0]?.context.cookies(`http://localhost:${sys().gatewayPort}/api/auth/refresh`)).toEqual([]);
    await pageA.reload();
    await stateIs(pageA, 'signed-out');
  });
});
