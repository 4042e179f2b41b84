/**
 * Structured logs across the hop: one request id in both services' JSON lines, and no secret in any line.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expectLoggedIn, expectSignedUp } from './support/contract';
import { startSystem, type TestSystem } from './support/system';
import { pollUntil } from './support/util';

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
}

async function jsonLines(file: string): Promise<LogLine[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
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
      authEnv: { ...VERBOSE, SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(48).toString('base64') },
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

    const tagged = async (file: string) => (await jsonLines(file)).filter((line) => line.requestId === REQUEST_ID);
    const gatewayLines = await pollUntil(
      async () => {
        const lines = await tagged(sys().gateway.logFile);
        if (lines.length === 0) throw new Error('no gateway line yet');
        return lines;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: `a gateway log line with requestId ${REQUEST_ID}` },
    );
    const authLines = await tagged(sys().auth.logFile);

    expect(gatewayLines.map((line) => line.service)).toContain('gateway');
    expect(authLines.map((line) => line.service)).toContain('auth');
    expect(authLines.some((line) => line.msg === 'rpc call')).toBe(true);
    // The security event of this request, as an audit line naming the account by id only.
    const audit = authLines.find((line) => line.audit === true);
    expect(audit).toMatchObject({ event: 'login.succeeded', userId: expect.any(String), requestId: REQUEST_ID });
    expect(JSON.stringify(audit)).not.toContain(USER);
  });

  it('writes an audit line for a failed login, without the submitted username', async () => {
    const requestId = 'trace-e2e-failed-login';
    await sys().http.request('POST', '/api/auth/login', {
      json: { username: 'someone-typed-a-secret-here', password: PASSWORD },
      headers: { 'x-request-id': requestId },
    });
    const lines = await pollUntil(
      async () => {
        const found = (await jsonLines(sys().auth.logFile)).filter((line) => line.requestId === requestId);
        return found.some((line) => line.audit) ? found : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: 'an audit line for the failed login' },
    );
    expect(lines.find((line) => line.audit)).toMatchObject({ event: 'login.failed' });
    expect(JSON.stringify(lines)).not.toContain('someone-typed-a-secret-here');
  });

  it('replaces a malformed X-Request-Id with a generated one', async () => {
    const response = await sys().http.request('POST', '/api/auth/login', {
      json: { username: USER, password: PASSWORD },
      headers: { 'x-request-id': 'not ok; <script>' },
    });
    expectLoggedIn(response, USER);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never writes the password or a hash to any log line', async () => {
    for (const file of [sys().gateway.logFile, sys().auth.logFile]) {
      const text = await readFile(file, 'utf8');
      expect(text.length).toBeGreaterThan(0);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('$argon2');
    }
  });
});
