/**
 * Issue 18 end to end: email on the account, verification, password reset and account deletion through the gateway,
 * with every mail delivered by the auth service to a real SMTP server this suite runs (npm `smtp-server`, parsed with
 * `mailparser`) — never a mocked mailer. Also: the mail outbox survives an SMTP outage and a SIGKILL of the auth
 * service; two auth instances on one PostgreSQL database send each mail once.
 */
import { expectError, expectNoSecretsIn, expectSignedUp, type PublicUser } from './support/contract';
import { usingPostgres } from './support/database';
import { selectRows } from './support/db-rows';
import { describeResponse, type HttpResponse } from './support/http';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { scrapeMetrics } from './support/prometheus';
import { is401, login, pollResponse } from './support/session-client';
import { type ReceivedMail, TestSmtpServer, tokenOf } from './support/smtp';
import { createAuthProcess, LOCALHOST, runAuthCommand, startSystem, type TestSystem } from './support/system';
import { newAuthLink } from './support/transport';
import { median, pollUntil, sleep } from './support/util';

const APP_URL = 'http://app.test:3002';
const PASSWORD = 'Tr0ub4dor-staple-Kettle';
const NEW_PASSWORD = 'Brand-New-Secret-Tulip-58';
const FAST_MAIL = {
  APP_URL,
  MAIL_FROM: 'Accounts <accounts@auth.test>',
  MAIL_POLL_INTERVAL: '200ms',
  MAIL_RETRY_BASE_DELAY: '200ms',
  MAIL_RETRY_MAX_DELAY: '1s',
  MAIL_CLAIM_LEASE: '5s',
  PASSWORD_RESET_MAX_PER_HOUR: '1000',
  EMAIL_VERIFICATION_MAX_PER_HOUR: '1000',
  // The timing test sends many requests from one client; throttling is tested elsewhere.
  LOGIN_THROTTLE_THRESHOLD: '1000',
};
const VERIFY = /^Verify your email address$/;
const RESET = /^Reset your password$/;
const CHANGED = /^Your password was changed$/;
const NEW_ADDRESS = /^A new email address was given/;

const passwordsSent = new Set([PASSWORD, NEW_PASSWORD]);

describe('account recovery through a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const tokensSeen = new Set<string>();
  const remember = (mail: ReceivedMail): string => {
    const token = tokenOf(mail);
    tokensSeen.add(token);
    return token;
  };

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    system = await startSystem({ suite: 'recovery', authEnv: { ...FAST_MAIL, SMTP_URL: smtp.url } });
  });

  afterAll(async () => {
    await system?.teardown();
    await smtp?.stop();
  });

  const signup = async (username: string, email?: string): Promise<PublicUser> =>
    expectSignedUp(await sys().http.signup({ username, password: PASSWORD, ...(email && { email }) }), username);
  const post = (path: string, json: unknown, token?: string): Promise<HttpResponse> =>
    sys().http.request('POST', path, { json, ...(token && { headers: { authorization: `Bearer ${token}` } }) });
  const verifyWith = (token: string) => post('/api/auth/email/verify', { token });
  const forgot = (body: unknown) => post('/api/auth/password/forgot', body);
  const reset = (token: string, newPassword = NEW_PASSWORD) => post('/api/auth/password/reset', { token, newPassword });
  const expectStatus = (response: HttpResponse, status: number): void => {
    if (response.status !== status) throw new Error(`expected ${status}, got ${describeResponse(response)}`);
  };
  /** Signs up with an address and verifies it through the mailed link. */
  const verifiedUser = async (username: string, email: string): Promise<PublicUser> => {
    const user = await signup(username, email);
    expectStatus(await verifyWith(remember(await smtp.nextMail(email, VERIFY))), 200);
    return user;
  };

  describe('email on the account and its verification', () => {
    it('sign-up with an address → a verification mail (text and HTML, token= link to APP_URL) → verified once', async () => {
      const user = await signup('alice', '  Alice@Example.COM ');
      expect(user).toMatchObject({ email: 'Alice@example.com', emailVerified: false });

      const mail = await smtp.nextMail('alice@example.com', VERIFY);
      expect(mail.from).toContain('accounts@auth.test');
      expect(mail.text).toMatch(new RegExp(`${APP_URL}/verify-email\\?token=[A-Za-z0-9_-]{43}`));
      expect(mail.html).toContain(`href="${APP_URL}/verify-email?token=`);
      const token = remember(mail);

      const verified = await verifyWith(token);
      expectStatus(verified, 200);
      expect(verified.body).toEqual({ ...user, email: 'Alice@example.com', emailVerified: true });
      expectError(await verifyWith(token), 400, 'EMAIL_VERIFICATION_TOKEN_INVALID');
      expectError(await verifyWith('A'.repeat(43)), 400, 'EMAIL_VERIFICATION_TOKEN_INVALID');
      expectError(await verifyWith('not a token!'), 400, 'VALIDATION_FAILED');
    });

    it('stores the tokens only as hashes', async () => {
      const rows = await selectRows(sys().database, 'SELECT token_hash FROM account_tokens');
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(tokensSeen.has(String(row['token_hash']))).toBe(false);
    });

    it('an address is unique regardless of letter case; accounts without one keep working', async () => {
      expectError(
        await sys().http.signup({ username: 'mallory', password: PASSWORD, email: 'ALICE@example.com' }),
        409,
        'EMAIL_TAKEN',
      );
      const plain = await signup('no_mail_user');
      expect(plain).toMatchObject({ email: null, emailVerified: false });
      const { tokens } = await login(sys().http, 'no_mail_user', PASSWORD);
      // No address: /me is exactly as before.
      expect(Object.keys((await sys().http.me(tokens.accessToken)).body as object).sort()).toEqual([
        'id',
        'sessionId',
        'username',
      ]);
    });

    it('changing the address: needs the password; the new one gets a link, the old verified one a notice', async () => {
      await verifiedUser('dora', 'dora@example.com');
      const { tokens } = await login(sys().http, 'dora', PASSWORD);

      expectError(
        await post(
          '/api/auth/email',
          { email: 'dora@example.org', currentPassword: 'wrong-password-1' },
          tokens.accessToken,
        ),
        403,
        'CURRENT_PASSWORD_INCORRECT',
      );
      expectError(
        await post('/api/auth/email', { email: 'alice@EXAMPLE.com', currentPassword: PASSWORD }, tokens.accessToken),
        409,
        'EMAIL_TAKEN',
      );
      const changed = await post(
        '/api/auth/email',
        { email: 'dora@example.org', currentPassword: PASSWORD },
        tokens.accessToken,
      );
      expectStatus(changed, 202);

      const notice = await smtp.nextMail('dora@example.com', NEW_ADDRESS);
      expect(notice.text).toContain('d***@example.org');
      const link = await smtp.nextMail('dora@example.org', VERIFY);
      // Until verified, the old address stays the recovery address.
      expectStatus(await forgot({ username: 'dora' }), 202);
      await smtp.nextMail('dora@example.com', RESET);

      const verified = await verifyWith(remember(link));
      expect(verified.body).toMatchObject({ email: 'dora@example.org', emailVerified: true });
      // GET /me reads the token: the old one still says the old address, a refreshed one the new.
      expect((await sys().http.me(tokens.accessToken)).body).toMatchObject({ email: 'dora@example.com' });
      const refreshed = await sys().http.refresh(tokens.refreshToken);
      const accessToken = (refreshed.body as { accessToken: string }).accessToken;
      expect((await sys().http.me(accessToken)).body).toMatchObject({ email: 'dora@example.org', emailVerified: true });
    });

    it('resending the link: a new token, the earlier one stops working', async () => {
      await signup('erin', 'erin@example.com');
      const first = tokenOf(await smtp.nextMail('erin@example.com', VERIFY));
      const { tokens } = await login(sys().http, 'erin', PASSWORD);

      expectStatus(await post('/api/auth/email/verify/resend', {}, tokens.accessToken), 202);
      const second = remember(await smtp.nextMail('erin@example.com', VERIFY));

      expect(second).not.toBe(first);
      expectError(await verifyWith(first), 400, 'EMAIL_VERIFICATION_TOKEN_INVALID');
      expectStatus(await verifyWith(second), 200);
      expectError(await post('/api/auth/email/verify/resend', {}, tokens.accessToken), 409, 'EMAIL_ALREADY_VERIFIED');
    });
  });

  describe('password reset', () => {
    it('forgot → mail → reset: old password and every old session refused, the new password works, the link works once', async () => {
      await verifiedUser('frank', 'frank@example.com');
      const first = await login(sys().http, 'frank', PASSWORD);
      const second = await login(sys().http, 'frank', PASSWORD);

      const accepted = await forgot({ email: 'FRANK@example.com' });
      expectStatus(accepted, 202);
      const token = remember(await smtp.nextMail('frank@example.com', RESET));
      expectStatus(await reset(token), 204);

      for (const session of [first, second]) {
        await pollResponse(() => sys().http.me(session.tokens.accessToken), is401('SESSION_REVOKED'), {
          timeoutMs: 2_000,
          intervalMs: 50,
          description: 'an access token of a session the reset ended is refused',
        });
        expectError(await sys().http.refresh(session.tokens.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      }
      expectError(await sys().http.login({ username: 'frank', password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
      await login(sys().http, 'frank', NEW_PASSWORD);
      expectError(await reset(token, 'Yet-Another-Secret-77'), 400, 'PASSWORD_RESET_TOKEN_INVALID');

      const notice = await smtp.nextMail('frank@example.com', CHANGED);
      expect(notice.text).toContain('through a reset link');
    });

    it('an administrator starts a reset (POST /api/admin/users/:id/password-reset): the user gets the link, the admin never a password', async () => {
      const user = await verifiedUser('hank', 'hank@example.com');
      await signup('helpdesk');
      const granted = await runAuthCommand(sys(), ['users:grant', 'helpdesk', 'admin']);
      expect(granted.code).toBe(0);
      const admin = await login(sys().http, 'helpdesk', PASSWORD);
      const started = await post(`/api/admin/users/${user.id}/password-reset`, {}, admin.tokens.accessToken);
      expectStatus(started, 202);
      expect(JSON.stringify(started.body)).not.toMatch(/token|password/i);
      const token = remember(await smtp.nextMail('hank@example.com', RESET));
      expectStatus(await reset(token), 204);
      await login(sys().http, 'hank', NEW_PASSWORD);

      const plain = await login(sys().http, 'hank', NEW_PASSWORD);
      expect((await post(`/api/admin/users/${user.id}/password-reset`, {}, plain.tokens.accessToken)).status).toBe(403);
    });

    it('a newer request replaces the earlier link', async () => {
      await verifiedUser('grace', 'grace@example.com');
      expectStatus(await forgot({ username: 'GRACE' }), 202);
      const older = tokenOf(await smtp.nextMail('grace@example.com', RESET));
      expectStatus(await forgot({ email: 'grace@example.com' }), 202);
      const newer = remember(await smtp.nextMail('grace@example.com', RESET));

      expectError(await reset(older), 400, 'PASSWORD_RESET_TOKEN_INVALID');
      expectStatus(await reset(newer), 204);
    });

    it('only a verified address receives the mail; an unknown one gets the same answer', async () => {
      await signup('henry', 'henry@example.com');
      await smtp.nextMail('henry@example.com', VERIFY);
      const known = await forgot({ email: 'henry@example.com' });
      const unknown = await forgot({ email: 'nobody@example.com' });
      expectStatus(known, 202);
      expect(unknown.status).toBe(202);
      expect(unknown.text).toBe(known.text);
      // The requests are handled by the delivery worker: once the outbox has none left, nothing more is coming.
      await pollUntil(
        async () => {
          const rows = await selectRows(
            sys().database,
            "SELECT id FROM mail_outbox WHERE kind = 'password-reset.request' AND sent_at IS NULL",
          );
          return rows.length === 0 ? true : undefined;
        },
        { timeoutMs: 10_000, description: 'every reset request handled' },
      );
      expect(smtp.mailsTo('henry@example.com').filter((mail) => RESET.test(mail.subject))).toHaveLength(0);
      expect(smtp.mailsTo('nobody@example.com')).toHaveLength(0);
    });

    it('a known address and an unknown one take the same time (50 pairs, median ratio within 20 %)', async () => {
      const time = async (kind: 'known' | 'unknown'): Promise<number> => {
        const response = await forgot({ email: kind === 'known' ? 'alice@example.com' : 'no-such-user@example.com' });
        if (response.status !== 202) throw new Error(`timing forgot (${kind}) → ${describeResponse(response)}`);
        return response.durationMs;
      };
      for (let i = 0; i < 5; i += 1) {
        await time('known');
        await time('unknown');
      }
      // Each pair is timed back to back, so load that comes and goes (CI runs other suites beside this one) falls on
      // both of its requests; a difference between the paths shows in every pair alike.
      const known: number[] = [];
      const unknown: number[] = [];
      const ratios: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        const first = i % 2 === 0 ? 'known' : 'unknown';
        const a = await time(first);
        const b = await time(first === 'known' ? 'unknown' : 'known');
        const [k, u] = first === 'known' ? [a, b] : [b, a];
        known.push(k);
        unknown.push(u);
        ratios.push(u / k);
      }
      const ratio = median(ratios);
      const summary = `unknown median ${median(unknown).toFixed(1)} ms, known median ${median(known).toFixed(1)} ms, median ratio of pairs ${ratio.toFixed(3)}`;
      expect({ summary, withinTolerance: Math.abs(ratio - 1) < 0.2 }).toEqual({ summary, withinTolerance: true });
    });

    it('a wrong token is refused with its own code, and counted by the throttle', async () => {
      expectError(await reset('B'.repeat(43)), 400, 'PASSWORD_RESET_TOKEN_INVALID');
      const failures = await selectRows(
        sys().database,
        "SELECT id FROM login_failures WHERE username_key LIKE '#reset:%'",
      );
      expect(failures.length).toBeGreaterThan(0);
    });
  });

  describe('account deletion', () => {
    it('needs the password; ends every session, frees no name, keeps no address; the audit line names the id only', async () => {
      const user = await verifiedUser('ivan', 'ivan@example.com');
      const first = await login(sys().http, 'ivan', PASSWORD);
      const second = await login(sys().http, 'ivan', PASSWORD);
      const remove = (currentPassword: string) =>
        sys().http.request('DELETE', '/api/auth/account', {
          json: { currentPassword },
          headers: { authorization: `Bearer ${first.tokens.accessToken}` },
        });

      expectError(await remove('wrong-password-1'), 403, 'CURRENT_PASSWORD_INCORRECT');
      expectStatus(await remove(PASSWORD), 204);

      await pollResponse(() => sys().http.me(second.tokens.accessToken), is401('SESSION_REVOKED'), {
        timeoutMs: 2_000,
        intervalMs: 50,
        description: 'an access token of the deleted account is refused',
      });
      expectError(await sys().http.refresh(second.tokens.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      expectError(await sys().http.login({ username: 'ivan', password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
      expectError(await sys().http.signup({ username: 'ivan', password: PASSWORD }), 409, 'USERNAME_TAKEN');
      expectStatus(await forgot({ email: 'ivan@example.com' }), 202);
      // The address is free again.
      await signup('ivan_again', 'ivan@example.com');

      const [row] = await selectRows(sys().database, 'SELECT * FROM users WHERE id = ?', [user.id]);
      expect(row).toMatchObject({ email: null, email_key: null, password_hash: '!deleted' });
      expect(row?.['deleted_at']).not.toBeNull();
      expect(await selectRows(sys().database, 'SELECT * FROM account_tokens WHERE user_id = ?', [user.id])).toEqual([]);
      const audit = sys()
        .auth.tailLog(400)
        .split('\n')
        .find((line) => line.includes('account.deleted'));
      if (audit !== undefined) {
        expect(audit).toContain(user.id);
        expect(audit).not.toMatch(/ivan/);
      }
    });
  });

  describe('mail is never lost', () => {
    it('SMTP down and the auth service SIGKILLed: requests still succeed, and every mail arrives once it is back', async () => {
      await verifiedUser('judy', 'judy@example.com');
      await smtp.stop();
      expectStatus(await forgot({ email: 'judy@example.com' }), 202);
      await signup('kate', 'kate@example.com');
      // Both mails have been tried and failed at least once (the reset mail exists only once its request ran).
      await pollUntil(
        async () => {
          const rows = await selectRows(
            sys().database,
            "SELECT kind FROM mail_outbox WHERE sent_at IS NULL AND attempts >= 1 AND kind IN ('password-reset', 'verify-email') AND recipient IN ('judy@example.com', 'kate@example.com')",
          );
          return rows.length >= 2 ? true : undefined;
        },
        { timeoutMs: 10_000, description: 'both mails tried while the SMTP server is down' },
      );

      await sys().auth.kill();
      await smtp.listen();
      await sys().auth.start();

      const resetMail = await smtp.nextMail('judy@example.com', RESET, 20_000);
      const verifyMail = await smtp.nextMail('kate@example.com', VERIFY, 20_000);
      expectStatus(await reset(remember(resetMail)), 204);
      expectStatus(await verifyWith(remember(verifyMail)), 200);
      await sleep(1_000);
      expect(smtp.mailsTo('kate@example.com').filter((mail) => VERIFY.test(mail.subject))).toHaveLength(1);
    });

    it('the outbox keeps no body once sent', async () => {
      const rows = await selectRows(
        sys().database,
        'SELECT id FROM mail_outbox WHERE sent_at IS NOT NULL AND (text_body IS NOT NULL OR html_body IS NOT NULL)',
      );
      expect(rows).toEqual([]);
    });
  });

  it('every mail had a distinct Message-ID; no response carried a password or a mailed token', () => {
    const ids = smtp.mails.map((mail) => mail.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expectNoSecretsIn(sys().http.history, new Set([...passwordsSent, ...tokensSeen]));
  });

  it('no log line of the auth service carries a mailed token (SMTP mode)', () => {
    const log = sys().auth.tailLog(100_000);
    for (const token of tokensSeen) expect(log).not.toContain(token);
  });
});

const pgOnly = usingPostgres() ? describe : describe.skip;

pgOnly('two auth instances on one PostgreSQL database', () => {
  let smtp: TestSmtpServer;
  let system: TestSystem | undefined;
  let second: AppProcess | undefined;
  let secondMetricsPort = 0;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    const env = { ...FAST_MAIL, SMTP_URL: smtp.url };
    system = await startSystem({ suite: 'recovery-pair', authEnv: env });
    secondMetricsPort = await getFreePort(LOCALHOST);
    second = createAuthProcess({
      suite: 'recovery-pair',
      name: 'auth-2',
      cwd: system.workDir,
      link: await newAuthLink('tcp'),
      databaseUrl: system.database.url,
      metricsPort: secondMetricsPort,
      env,
    });
    await second.start();
  });

  afterAll(async () => {
    await second?.stop();
    await system?.teardown();
    await smtp?.stop();
  });

  it('send each mail once (claims with FOR UPDATE SKIP LOCKED)', async () => {
    const sys = system;
    if (!sys) throw new Error('system did not start');
    // Mails pile up while the server is down, then both instances' workers compete for them.
    await smtp.stop();
    const count = 20;
    for (let i = 0; i < count; i += 1) {
      expectSignedUp(
        await sys.http.signup({ username: `pair_${i}`, password: PASSWORD, email: `pair_${i}@example.com` }),
        `pair_${i}`,
      );
    }
    await sleep(500);
    await smtp.listen();
    await pollUntil(() => Promise.resolve(smtp.mails.length >= count ? true : undefined), {
      timeoutMs: 20_000,
      description: `${count} verification mails`,
    });
    await sleep(2_000);
    expect(smtp.mails).toHaveLength(count);
    expect(new Set(smtp.mails.flatMap((mail) => mail.to)).size).toBe(count);
    const sent = async (port: number) =>
      (await scrapeMetrics(`http://${LOCALHOST}:${port}/metrics`)).value('auth_mail_sends_total', {
        outcome: 'sent',
      }) ?? 0;
    const [one, two] = [await sent(sys.authMetricsPort), await sent(secondMetricsPort)];
    expect(one + two).toBe(count);
  });
});
