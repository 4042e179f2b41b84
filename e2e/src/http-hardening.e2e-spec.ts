/**
 * HTTP hardening of the gateway: security headers, CORS off unless configured, and a request that
 * never finishes arriving cut off after HTTP_REQUEST_TIMEOUT_MS.
 */
import { connect } from 'node:net';
import { LOCALHOST, startSystem, type TestSystem } from './support/system';

const ALLOWED_ORIGIN = 'https://app.example';
const REQUEST_TIMEOUT_MS = 1_500;

describe('HTTP hardening', () => {
  let plain: TestSystem | undefined;
  let withCors: TestSystem | undefined;
  const sys = (system: TestSystem | undefined): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };

  beforeAll(async () => {
    plain = await startSystem({
      suite: 'http-hardening',
      gatewayEnv: { HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
    });
    withCors = await startSystem({ suite: 'http-hardening-cors', gatewayEnv: { CORS_ORIGINS: ALLOWED_ORIGIN } });
  });

  afterAll(async () => {
    await Promise.all([plain?.teardown(), withCors?.teardown()]);
  });

  it('sends security headers on API answers', async () => {
    const response = await sys(plain).http.login({ username: 'nobody_here', password: 'Not-A-Real-One-1' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('marks every answer with tokens or account data as not to be stored by any cache (RFC 6749 5.1)', async () => {
    const { http } = sys(plain);
    const credentials = { username: `nostore_${Date.now().toString(36)}`, password: 'No-Store-Secret-71' };
    const signup = await http.signup(credentials);
    const login = await http.login(credentials);
    const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };
    const answers = [signup, login, await http.refresh(refreshToken), await http.me(accessToken)];
    expect(answers.map((answer) => [answer.status, answer.headers.get('cache-control')])).toEqual([
      [201, 'no-store'],
      [200, 'no-store'],
      [200, 'no-store'],
      [200, 'no-store'],
    ]);
  });

  it('keeps the HTML headers (a CSP Swagger UI runs under) for the docs page only, and lets the key set be cached', async () => {
    const docs = await sys(plain).http.get('/api/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
    expect(docs.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    const jwks = await sys(plain).http.get('/api/auth/jwks');
    expect(jwks.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
  });

  it('sends no CORS headers when CORS_ORIGINS is not set', async () => {
    const preflight = await sys(plain).http.request('OPTIONS', '/api/auth/login', {
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows a preflight from a configured origin, and not from another', async () => {
    const preflight = (origin: string) =>
      sys(withCors).http.request('OPTIONS', '/api/auth/login', {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBeLessThan(300);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('cuts off a request whose body never finishes arriving', async () => {
    const started = performance.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: LOCALHOST, port: sys(plain).gatewayPort }, () => {
        socket.write(
          'POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user',
        );
      });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => reject(new Error('the gateway kept the slow request open')), REQUEST_TIMEOUT_MS * 4).unref();
    });
    const elapsed = performance.now() - started;
    expect(answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      statusCode: 408,
      code: 'REQUEST_TIMEOUT',
      message: expect.any(String),
    });
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS * 4);
  });

  it('answers headers over the limit with 431 HEADERS_TOO_LARGE in the standard shape', async () => {
    const response = await sys(plain).http.request('GET', '/api/health/live', {
      headers: { 'x-big': 'a'.repeat(20_000) },
    });
    expect(response.status).toBe(431);
    expect(response.body).toEqual({ statusCode: 431, code: 'HEADERS_TOO_LARGE', message: expect.any(String) });
  });
});
