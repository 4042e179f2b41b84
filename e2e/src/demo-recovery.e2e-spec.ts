/**
 * The demo web app's recovery pages in Chromium, opened from the links of real mails (the auth service sends them to
 * an SMTP server this suite runs, with APP_URL pointing at the demo app): verify an address, ask for a reset link,
 * choose a new password. Each link works once.
 */
import type { Page } from 'playwright-core';
import { type Browser, describeWithBrowser, launchChromium } from './support/browser';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { type ReceivedMail, TestSmtpServer } from './support/smtp';
import { createExampleProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';

const SUITE = 'demo-recovery';
const USERNAME = 'page_alice';
const EMAIL = 'page.alice@example.com';
const PASSWORD = 'Demo-Recovery-Secret-Heron-12';
const NEW_PASSWORD = 'Demo-Recovery-Other-Osprey-34';

/** A page script (a string: the suite is compiled without the DOM types) waiting for the message line. */

/** The link of a mail's text part (what a user clicks). */
function linkOf(mail: ReceivedMail): string {
  const match = /https?:\/\/\S+token=[A-Za-z0-9_-]+/.exec(mail.text);
  if (!match) throw new Error(`no link in "${mail.subject}"`);
  return match[0];
}

describeWithBrowser('demo web app recovery pages in Chromium, from real mails', () => {
  let smtp: TestSmtpServer;
  let system: TestSystem | undefined;
  let example: AppProcess | undefined;
  let browser: Browser | undefined;
  let appOrigin = '';

  const newPage = async (url: string): Promise<Page> => {
    if (!browser) throw new Error('the browser did not start');
    const page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(url);
    return page;
  };
  const message = (page: Page) => page.textContent('#message');

  beforeAll(async () => {
    const port = await getFreePort(LOCALHOST);
    appOrigin = `http://localhost:${port}`;
    smtp = await TestSmtpServer.start();
    browser = await launchChromium();
    system = await startSystem({
      suite: SUITE,
      authEnv: { SMTP_URL: smtp.url, APP_URL: appOrigin, MAIL_POLL_INTERVAL: '200ms' },
      gatewayEnv: { CORS_ORIGINS: appOrigin },
    });
    example = createExampleProcess({
      suite: SUITE,
      cwd: system.workDir,
      port,
      gatewayUrl: system.baseUrl,
      env: { PUBLIC_GATEWAY_URL: `http://localhost:${system.gatewayPort}` },
    });
    await example.start();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
    await system?.teardown();
    await smtp?.stop();
  });

  it('signs up with an address on the page; the mailed link opens the verify page, which verifies once', async () => {
    const page = await newPage(`${appOrigin}/`);
    await page.waitForSelector('body[data-state="signed-out"]');
    await page.fill('#auth-username', USERNAME);
    await page.fill('#auth-password', PASSWORD);
    await page.fill('#auth-email', EMAIL);
    await page.click('#signup');
    await page.waitForSelector('body[data-state="signed-in"]');

    const link = linkOf(await smtp.nextMail(EMAIL, /^Verify your email address$/));
    expect(link.startsWith(`${appOrigin}/verify-email?token=`)).toBe(true);
    const verify = await newPage(link);
    await verify.waitForSelector('body[data-state="verify-email"]');
    // The token left the address bar before anything was sent.
    expect(verify.url()).toBe(`${appOrigin}/verify-email`);
    await verify.click('#verify-button');
    await verify.waitForSelector('body[data-state="email-verified"]');
    expect(await message(verify)).toBe(`Your address ${EMAIL} is verified.`);

    const again = await newPage(link);
    await again.click('#verify-button');
    await again.locator('#message', { hasText: 'EMAIL_VERIFICATION_TOKEN_INVALID' }).waitFor();
    expect(await again.getAttribute('body', 'data-state')).toBe('verify-email');
  });

  it('asks for a reset link on the forgot page; the mailed link opens the page that sets a new password once', async () => {
    const forgot = await newPage(`${appOrigin}/forgot-password`);
    await forgot.fill('#forgot-who', EMAIL);
    await forgot.click('#forgot-form button[type="submit"]');
    await forgot.waitForSelector('body[data-state="reset-requested"]');

    const link = linkOf(await smtp.nextMail(EMAIL, /^Reset your password$/));
    expect(link.startsWith(`${appOrigin}/reset-password?token=`)).toBe(true);
    const reset = await newPage(link);
    await reset.fill('#reset-new-password', NEW_PASSWORD);
    await reset.click('#reset-form button[type="submit"]');
    await reset.waitForSelector('body[data-state="password-reset"]');

    const reused = await newPage(link);
    await reused.fill('#reset-new-password', 'Yet-Another-Secret-Plover-56');
    await reused.click('#reset-form button[type="submit"]');
    await reused.locator('#message', { hasText: 'PASSWORD_RESET_TOKEN_INVALID' }).waitFor();

    const login = await newPage(`${appOrigin}/`);
    await login.waitForSelector('body[data-state="signed-out"]');
    await login.fill('#auth-username', USERNAME);
    await login.fill('#auth-password', NEW_PASSWORD);
    await login.click('#login');
    await login.waitForSelector('body[data-state="signed-in"]');
    await smtp.nextMail(EMAIL, /^Your password was changed$/);
  });
});
