/**
 * Swagger UI in a real browser (Debian's Chromium through playwright-core): the docs page loads,
 * and "Try it out" → "Execute" signs up and logs in against the running gateway.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type Browser, describeWithBrowser, launchChromium } from './support/browser';
import { WORKSPACE_ROOT } from './support/paths';
import { startSystem, type TestSystem } from './support/system';

const SCREENSHOT_DIR = join(WORKSPACE_ROOT, 'test-output', 'swagger-ui');
const USERNAME = `swagger_${Date.now().toString(36)}`;
const PASSWORD = 'Swagger-UI-Secret-93';

interface Executed {
  status: string;
  body: unknown;
}

/** Expands an operation, clicks "Try it out", fills the JSON body, clicks "Execute" and reads the live response. */
async function tryItOut(page: Page, operationId: string, body: unknown): Promise<Executed> {
  const operation = page.locator(`#operations-auth-${operationId}`);
  await operation.locator('.opblock-summary').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  await operation.locator('textarea.body-param__text').fill(JSON.stringify(body));
  await operation.getByRole('button', { name: 'Execute' }).click();
  const response = operation.locator('.live-responses-table .response').first();
  await response.waitFor();
  const status = (await response.locator('.response-col_status').innerText()).trim();
  const text = await response.locator('.response-col_description .microlight').first().innerText();
  return { status, body: JSON.parse(text) as unknown };
}

describeWithBrowser('Swagger UI at /api/docs, in Chromium', () => {
  let system: TestSystem | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  const open = (): Page => {
    if (!page) throw new Error('the browser did not start (see beforeAll)');
    return page;
  };

  beforeAll(async () => {
    browser = await launchChromium();
    system = await startSystem({ suite: 'swagger-ui' });
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await system?.teardown();
  });

  it('shows the API with its auth and health operations', async () => {
    const response = await open().goto(`${system?.baseUrl ?? ''}/api/docs`);

    expect(response?.status()).toBe(200);
    await open().locator('#operations-auth-AuthController_signup').waitFor();
    await expect(open().locator('.information-container .title').innerText()).resolves.toContain('API gateway');
    // One block per operation of the OpenAPI document the page was built from (auth, sessions, recovery, admin, health).
    const document = (await (await fetch(`${system?.baseUrl ?? ''}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(document.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
    expect(operations).toBeGreaterThanOrEqual(12);
    await expect(open().locator('.opblock').count()).resolves.toBe(operations);
    await expect(open().locator('.btn.authorize').count()).resolves.toBe(1);
  });

  it('signs up through "Try it out" → 201 with the new user', async () => {
    const { status, body } = await tryItOut(open(), 'AuthController_signup', {
      username: USERNAME,
      password: PASSWORD,
    });

    expect(status).toBe('201');
    expect(body).toEqual({
      id: expect.any(String),
      username: USERNAME,
      email: null,
      emailVerified: false,
      createdAt: expect.any(String),
    });
  });

  it('logs in through "Try it out" → 200 with the user and the tokens', async () => {
    const { status, body } = await tryItOut(open(), 'AuthController_login', { username: USERNAME, password: PASSWORD });

    expect(status).toBe('200');
    expect(body).toEqual({
      user: {
        id: expect.any(String),
        username: USERNAME,
        email: null,
        emailVerified: false,
        createdAt: expect.any(String),
      },
      accessToken: expect.any(String),
      accessTokenExpiresAt: expect.any(String),
      refreshToken: expect.any(String),
      refreshTokenExpiresAt: expect.any(String),
      tokenType: 'Bearer',
    });
  });

  it('saves a screenshot, and the page threw no error', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, 'signup-and-login.png');

    await open().screenshot({ path, fullPage: true });

    console.log(`Swagger UI screenshot: ${path}`);
    expect(pageErrors).toEqual([]);
  });
});
