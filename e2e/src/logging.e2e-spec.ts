/**
 * Structured logs across the hop: one request id in both services' JSON lines, and no secret in any line.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expectLoggedIn, expectSignedUp } from './support/contract';
import { startSystem, type TestSystem } from './support/system';
import { testTransport } from './support/transport';
import { pollUntil } from './support/util';
import { jsonLines } from './support/log-lines';

const USER = 'log_reader';
const PASSWORD = 'Never-In-Any-Log-9';
const REQUEST_ID = 'trace-e2e-logging-42';
const VERBOSE = { NODE_ENV: 'production', LOG_LEVEL: 'log' };

interface LogLine {
  requestId?: string;
  service?: string;
  msg?: string;
  audit?: boolean;
  event?: string;
  userId?: string;
  sessionId?: string;
  reason?: string;
  pattern?: string;
}

describe('structured logs', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };

  beforeAll(async () => {
    // Production refuses to store signing keys unencrypted: it needs a key-encryption secret.
    system = await startSystem({
      suite: 'logging',
      authEnv: {
        ...VERBOSE,
        SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(48).toString('base64'),
        // Production needs SMTP_URL or mail switched off; this suite is not about mail.
        MAIL_ENABLED: 'false',
        // Any second use of a refresh token is theft here, so the audit line for it can be provoked at once.
        REFRESH_TOKEN_REUSE_GRACE: '0s',
        // Production refuses NATS without credentials; the suites' NATS server accepts any token.
        ...(testTransport() === 'nats' && { NATS_TOKEN: 'e2e-token-not-checked-by-the-test-server' }),
      },
      gatewayEnv: VERBOSE,
    });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('tags the lines of one request with its X-Request-Id in both services, and echoes the id', async () => {
    expectSignedUp(await sys().http.signup({ username: USER, password: PASSWORD }), USER);
    const login = await sys().http.request('POST', '/api/auth/login', {
      json: { username: USER, password: PASSWORD },
      headers: { 'x-request-id': REQUEST_ID },
    });
    expectLoggedIn(login, USER);
    expect(login.headers.get('x-request-id')).toBe(REQUEST_ID);

    const tagged = async (file: string) =>
      (await jsonLines<LogLine>(file)).filter((line) => line.requestId === REQUEST_ID);
    const gatewayLines = await pollUntil(
      async () => {
        const lines = await tagged(sys().gateway.logFile);
        if (lines.length === 0) throw new Error('no gateway line yet');
        return lines;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: `a gateway log line with requestId ${REQUEST_ID}` },
    );
    const authLines = await pollUntil(
      async () => {
        const lines = await tagged(sys().auth.logFile);
        // The audit line is written during the call, the 'rpc call' line after it: wait for both.
        const complete = lines.some((line) => line.audit === true) && lines.some((line) => line.msg === 'rpc call');
        return complete ? lines : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: `the auth service's lines with requestId ${REQUEST_ID}` },
    );

    expect(gatewayLines.map((line) => line.service)).toContain('gateway');
    expect(authLines.map((line) => line.service)).toContain('auth');
    expect(authLines.some((line) => line.msg === 'rpc call')).toBe(true);
    // The security event of this request, as an audit line naming the account by id only.
    const audit = authLines.find((line) => line.audit === true);
    expect(audit).toMatchObject({ event: 'login.succeeded', userId: expect.any(String), requestId: REQUEST_ID });
    expect(JSON.stringify(audit)).not.toContain(USER);
  });

  it('logs routine polls (health, key set, revocation feed) at debug in both apps, while an ordinary request gets its info line', async () => {
    await sys().http.request('GET', '/api/health/live', { headers: { 'x-request-id': 'trace-e2e-poll' } });
    await sys().http.request('GET', '/api/auth/jwks', { headers: { 'x-request-id': 'trace-e2e-poll' } });
    await sys().http.request('GET', '/api/auth/me', { headers: { 'x-request-id': 'trace-e2e-ordinary' } });
    const lines = await pollUntil(
      async () => {
        const found = (await jsonLines<LogLine>(sys().gateway.logFile)).filter(
          (line) => line.requestId === 'trace-e2e-poll' || line.requestId === 'trace-e2e-ordinary',
        );
        return found.some((line) => line.requestId === 'trace-e2e-ordinary') ? found : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: 'the access line of GET /api/auth/me' },
    );
    expect(lines.filter((line) => line.requestId === 'trace-e2e-poll')).toEqual([]);
    // The gateway has polled the auth service's revocation feed every second since it started.
    const authPolls = (await jsonLines<LogLine>(sys().auth.logFile)).filter(
      (line) => line.pattern === 'auth.revocations' || line.pattern === 'auth.jwks',
    );
    expect(authPolls).toEqual([]);
  });

  it('writes an audit line for a failed login, without the submitted username', async () => {
    const requestId = 'trace-e2e-failed-login';
    await sys().http.request('POST', '/api/auth/login', {
      json: { username: 'someone-typed-a-secret-here', password: PASSWORD },
      headers: { 'x-request-id': requestId },
    });
    const lines = await pollUntil(
      async () => {
        const found = (await jsonLines<LogLine>(sys().auth.logFile)).filter((line) => line.requestId === requestId);
        return found.some((line) => line.audit) ? found : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: 'an audit line for the failed login' },
    );
    expect(lines.find((line) => line.audit)).toMatchObject({ event: 'login.failed' });
    expect(JSON.stringify(lines)).not.toContain('someone-typed-a-secret-here');
  });

  const tokens: string[] = [];

  it('writes audit lines for a password change, the sessions it ends, a logout and a refresh-token reuse', async () => {
    const login = async () => {
      const response = await sys().http.login({ username: USER, password: PASSWORD });
      const body = response.body as { accessToken: string; refreshToken: string };
      tokens.push(body.accessToken, body.refreshToken);
      return body;
    };
    const auditOf = async (requestId: string, count: number): Promise<LogLine[]> =>
      pollUntil(
        async () => {
          const found = (await jsonLines<LogLine>(sys().auth.logFile)).filter(
            (line) => line.requestId === requestId && line.audit === true,
          );
          return found.length >= count ? found : undefined;
        },
        { timeoutMs: 5_000, intervalMs: 100, description: `${count} audit line(s) for ${requestId}` },
      );
    const headers = (requestId: string) => ({ 'x-request-id': requestId });

    const current = await login();
    await login();
    const changed = await sys().http.authed('POST', '/api/auth/password', current.accessToken, {
      json: { currentPassword: PASSWORD, newPassword: `${PASSWORD}-new` },
      headers: headers('trace-password'),
    });
    expect(changed.status).toBe(204);
    const passwordLines = await auditOf('trace-password', 2);
    expect(passwordLines.map((line) => line.event)).toEqual(
      expect.arrayContaining(['password.changed', 'session.ended']),
    );
    expect(passwordLines.find((line) => line.event === 'session.ended')).toMatchObject({ reason: 'password_changed' });
    // Change it back, so the other tests log in with PASSWORD.
    await sys().http.authed('POST', '/api/auth/password', current.accessToken, {
      json: { currentPassword: `${PASSWORD}-new`, newPassword: PASSWORD },
    });

    const stolen = await login();
    const rotated = await sys().http.refresh(stolen.refreshToken);
    tokens.push((rotated.body as { refreshToken: string }).refreshToken);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await sys().http.refresh(stolen.refreshToken, { headers: headers('trace-reuse') })).status).toBe(401);
    const reuseLines = await auditOf('trace-reuse', 2);
    expect(reuseLines.map((line) => line.event)).toEqual(
      expect.arrayContaining(['refresh_token.reused', 'session.ended']),
    );

    const loggedOut = await sys().http.authed('POST', '/api/auth/logout', current.accessToken, {
      headers: headers('trace-logout'),
    });
    expect(loggedOut.status).toBe(204);
    const [logout] = await auditOf('trace-logout', 1);
    expect(logout).toMatchObject({ event: 'session.ended', reason: 'logout', sessionId: expect.any(String) });
  });

  it('replaces a malformed X-Request-Id with a generated one', async () => {
    const response = await sys().http.request('POST', '/api/auth/login', {
      json: { username: USER, password: PASSWORD },
      headers: { 'x-request-id': 'not ok; <script>' },
    });
    expectLoggedIn(response, USER);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never writes the password, a hash or a token to any log line', async () => {
    expect(tokens.length).toBeGreaterThan(4);
    // Lines reach the files in batches, at the latest 100 ms (LOG_FLUSH_INTERVAL_MS) after they are written.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const file of [sys().gateway.logFile, sys().auth.logFile]) {
      const text = await readFile(file, 'utf8');
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('$argon2');
      for (const token of tokens) expect(text).not.toContain(token);
    }
  });
});
