/**
 * Property-based fuzzing of the gateway's HTTP surface (fast-check): generated bodies, headers, paths
 * and methods. Whatever arrives, the answer is a 2xx the contract allows or a 4xx in the standard error
 * shape — never a 5xx — and only accepted sign-ups change the database. On failure fast-check prints the
 * seed and the smallest failing input; `FUZZ_SEED` replays it, `FUZZ_RUNS` sets the total (≥ 2000).
 */
import fc from 'fast-check';
import type { HttpMethod, HttpResponse } from './support/http';
import { startSystem, type TestSystem } from './support/system';
import { countUsers } from './support/user-store';

const TOTAL_RUNS = Math.max(2_000, Number(process.env['FUZZ_RUNS'] ?? 2_000));
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);
const KNOWN_CODES = new Set([
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'BAD_REQUEST',
  'INVALID_CREDENTIALS',
  'NOT_FOUND',
  'USERNAME_TAKEN',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_ATTEMPTS',
  'RATE_LIMITED',
  'REQUEST_TIMEOUT',
  'HEADERS_TOO_LARGE',
]);
const ROUTES = ['/api/auth/signup', '/api/auth/login'] as const;
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

const anyJsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER, -0, 0.1),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

/** Raw JSON-ish texts that JSON.stringify cannot produce: pollution keys, huge literals, deep nesting. */
const rawTexts = fc.oneof(
  fc
    .tuple(fc.constantFrom(...POLLUTION_KEYS), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => `{"${key}":${JSON.stringify(value)},"username":"pollute_me","password":"Long-Enough-9"}`),
  fc.constantFrom('1e400', '-1e400', '{"username":1e999,"password":"x"}', '{"username":"a","password":"b"'),
  fc.integer({ min: 100, max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 100, max: 2_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 1, max: 40_000 }).map((length) => JSON.stringify({ username: 'u'.repeat(length), password: 'p' })),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

/** Bytes that are not valid UTF-8 inside an otherwise JSON-looking body. */
const invalidUtf8 = fc
  .uint8Array({ minLength: 1, maxLength: 16 })
  .map((bytes) =>
    Buffer.concat([
      Buffer.from('{"username":"'),
      Buffer.from([0xff, 0xfe, ...bytes]),
      Buffer.from('","password":"x"}'),
    ]),
  );

const bodies = fc.oneof(
  fc
    .record({ username: anyJsonish, password: anyJsonish, extra: anyJsonish }, { requiredKeys: [] })
    .map((value) => Buffer.from(JSON.stringify(value))),
  anyJsonish.map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  rawTexts.map((text) => Buffer.from(text)),
  invalidUtf8,
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '*/*',
      'garbage',
    ),
    'x-request-id': fc.string({ maxLength: 200 }).filter((value) => /^[\t\x20-\x7e]*$/.test(value)),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1', ''),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'x/y'),
  },
  { requiredKeys: ['content-type'] },
);

const paths = fc.oneof(
  fc.constantFrom(...ROUTES),
  fc.webPath().map((path) => `/api/auth${path}`),
  fc.string({ maxLength: 40 }).map((segment) => `/api/${encodeURIComponent(segment)}`),
  fc.constantFrom('/api/%zz', '/api/auth/login/..%2fsignup', '/api//auth//login', '/api/auth/signup?__proto__[x]=1'),
);

const methods = fc.constantFrom<HttpMethod>('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS');

describe('HTTP fuzzing of the gateway', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  let accepted = 0;
  let sent = 0;

  beforeAll(async () => {
    system = await startSystem({ suite: 'http-fuzz' });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  /** The invariant every answer must hold; counts the sign-ups that were accepted. */
  const check = (response: HttpResponse, route: string): void => {
    sent++;
    if (response.status < 300) {
      expect([200, 201]).toContain(response.status);
      if (route === '/api/auth/signup' && response.status === 201) accepted++;
      return;
    }
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toEqual({
      statusCode: response.status,
      code: expect.any(String),
      message: expect.any(String),
      ...(typeof response.body === 'object' && response.body !== null && 'details' in response.body
        ? { details: expect.any(Array) }
        : {}),
    });
    expect(KNOWN_CODES.has((response.body as { code: string }).code)).toBe(true);
  };

  it('answers generated bodies to both routes with 2xx or a standard 4xx, never a 5xx', async () => {
    const usersBefore = await countUsers(sys().database);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), bodies, async (route, body) => {
        check(await sys().http.request('POST', route, { rawBody: body }), route);
      }),
      { numRuns: Math.ceil(TOTAL_RUNS * 0.6), seed: SEED },
    );
    // Only the sign-ups the gateway acknowledged with 201 may have left a trace.
    expect(await countUsers(sys().database)).toBe(usersBefore + accepted);
  });

  it('answers generated headers with 2xx or a standard 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), headers, bodies, async (route, requestHeaders, body) => {
        check(await sys().http.request('POST', route, { rawBody: body, headers: requestHeaders }), route);
      }),
      { numRuns: Math.ceil(TOTAL_RUNS * 0.2), seed: SEED },
    );
  });

  it('answers generated paths and methods with 2xx or a standard 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(methods, paths, async (method, path) => {
        const withBody = method !== 'GET' && method !== 'OPTIONS';
        const response = await sys().http.request(method, path, withBody ? { json: { username: 'x' } } : {});
        check(response, path);
      }),
      { numRuns: Math.ceil(TOTAL_RUNS * 0.2), seed: SEED },
    );
    expect(sent).toBeGreaterThanOrEqual(TOTAL_RUNS);
  });

  it('is still healthy afterwards', async () => {
    expect((await sys().http.request('GET', '/api/health/ready')).status).toBe(200);
  });
});
