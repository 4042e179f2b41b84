/**
 * Property-based fuzzing of the gateway's HTTP surface (fast-check): generated bodies, headers, paths
 * and methods, to the public routes and to the token-session routes with no, a garbage, a forged or a
 * valid access token. Whatever arrives, the answer is a 2xx the contract allows or a 4xx in the standard
 * error shape — never a 5xx — and only accepted sign-ups change the database. On failure fast-check prints the
 * seed and the smallest failing input; `FUZZ_SEED` replays it, `FUZZ_RUNS` sets the total (≥ 2000).
 */
import fc from 'fast-check';
import { DEEP_NESTING, deepJson, NESTING_KINDS, objectWithField } from './support/deep-json';
import type { HttpMethod, HttpResponse, RequestOptions } from './support/http';
import { foreignKeyPair, resign, withAlgNone, withTamperedSignature } from './support/jwt';
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
  'AUTHENTICATION_REQUIRED',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'SESSION_REVOKED',
  'INVALID_REFRESH_TOKEN',
  'REFRESH_TOKEN_REUSED',
  'CURRENT_PASSWORD_INCORRECT',
  'SESSION_NOT_FOUND',
]);
/** Every route that takes a JSON body (all POST). */
const ROUTES = [
  '/api/auth/signup',
  '/api/auth/login',
  '/api/auth/refresh',
  '/api/auth/password',
  '/api/auth/logout',
  '/api/auth/logout-all',
] as const;
/** Routes without a body. */
const GET_ROUTES = ['/api/auth/me', '/api/auth/sessions', '/api/auth/jwks'] as const;
/** Routes that end the session of the token they are called with. */
const ENDS_SESSION = new Set<string>(['/api/auth/logout', '/api/auth/logout-all']);
const FUZZ_USER = 'fuzz_token_user';
const FUZZ_PASSWORD = 'Fuzzing-Tokens-Secret-31';
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

/** Every field a body route reads, and one it does not. */
const BODY_FIELDS = ['username', 'password', 'refreshToken', 'currentPassword', 'newPassword', 'extra'] as const;

/**
 * Objects, arrays or both nested beyond the 32 levels the entry points accept, up to 3,000 (a stack overflow in
 * class-transformer once made these a 500), in any field, the other fields valid-looking or not.
 */
const deepBodies = fc
  .tuple(
    fc.constantFrom(...BODY_FIELDS),
    fc.constantFrom(...NESTING_KINDS),
    fc.integer({ min: 33, max: DEEP_NESTING }),
    fc.constantFrom('1', '"x"', 'null', '{}', '[]'),
    fc.boolean(),
  )
  .map(([field, kind, depth, leaf, withOthers]) =>
    Buffer.from(
      objectWithField(
        field,
        deepJson(depth, kind, leaf),
        withOthers ? { username: 'deep_user', password: 'Deep-Nesting-9' } : {},
      ),
    ),
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
  deepBodies,
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

/** What goes in `Authorization`: nothing, garbage, a forged token, or the fuzz user's valid token. */
type AuthKind = 'none' | 'valid' | 'forged-foreign' | 'forged-none' | 'tampered' | 'garbage';
const authKinds = fc.constantFrom<AuthKind>(
  'none',
  'valid',
  'valid',
  'forged-foreign',
  'forged-none',
  'tampered',
  'garbage',
);
const garbageAuthorization = fc
  .oneof(
    fc.string({ maxLength: 60 }).map((value) => `Bearer ${value}`),
    fc.constantFrom('Bearer', 'Bearer ', 'bearer x.y.z', 'Basic dXNlcjpwYXNz', 'Bearer a.b.c.d', 'Bearer ..'),
    fc.string({ maxLength: 60 }),
  )
  .map((value) => value.replace(/[^\t\x20-\x7e]/g, ''));

const paths = fc.oneof(
  fc.constantFrom(...ROUTES, ...GET_ROUTES),
  fc.uuid().map((id) => `/api/auth/sessions/${id}`),
  fc.string({ maxLength: 40 }).map((segment) => `/api/auth/sessions/${encodeURIComponent(segment)}`),
  fc.webPath().map((path) => `/api/auth${path}`),
  fc.string({ maxLength: 40 }).map((segment) => `/api/${encodeURIComponent(segment)}`),
  fc.constantFrom('/api/%zz', '/api/auth/login/..%2fsignup', '/api//auth//login', '/api/auth/signup?__proto__[x]=1'),
  // Bracketed query keys nest in some query parsers (qs): here they must stay flat strings, whatever the depth.
  fc
    .constantFrom(...GET_ROUTES, ...ROUTES)
    .chain((route) => fc.integer({ min: 33, max: 1_000 }).map((depth) => `${route}?a${'[a]'.repeat(depth)}=1`)),
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
    const signup = await system.http.signup({ username: FUZZ_USER, password: FUZZ_PASSWORD });
    if (signup.status !== 201) throw new Error(`fuzz user sign-up → HTTP ${signup.status} ${signup.text}`);
  });

  afterAll(async () => {
    await system?.teardown();
  });

  /** A valid access token of the fuzz user; a new login once a request may have ended its session. */
  let validToken: string | undefined;
  const foreign = foreignKeyPair();
  const token = async (): Promise<string> => {
    if (validToken === undefined) {
      const response = await sys().http.login({ username: FUZZ_USER, password: FUZZ_PASSWORD });
      if (response.status !== 200) throw new Error(`fuzz user login → HTTP ${response.status} ${response.text}`);
      validToken = (response.body as { accessToken: string }).accessToken;
    }
    return validToken;
  };
  const authorization = async (kind: AuthKind, garbage: string): Promise<Record<string, string>> => {
    switch (kind) {
      case 'none':
        return {};
      case 'valid':
        return { authorization: `Bearer ${await token()}` };
      case 'forged-foreign':
        return { authorization: `Bearer ${resign(await token(), foreign.privateKey)}` };
      case 'forged-none':
        return { authorization: `Bearer ${withAlgNone(await token())}` };
      case 'tampered':
        return { authorization: `Bearer ${withTamperedSignature(await token())}` };
      case 'garbage':
        return { authorization: garbage };
    }
  };
  /** After a request with the valid token that may have ended its session, log in again next time. */
  const afterValid = (kind: AuthKind, method: string, path: string, response: HttpResponse): void => {
    if (kind !== 'valid') return;
    const ended =
      (method === 'POST' && ENDS_SESSION.has(path.split('?')[0]) && response.status === 204) ||
      (method === 'DELETE' && response.status === 204) ||
      (method === 'POST' && path.startsWith('/api/auth/password') && response.status === 204) ||
      response.status === 401;
    if (ended) validToken = undefined;
  };

  /** The invariant every answer must hold; counts the sign-ups that were accepted. */
  const check = (response: HttpResponse, route: string): void => {
    sent++;
    if (response.status < 300) {
      expect([200, 201, 204]).toContain(response.status);
      if (response.status === 204) expect(response.text).toBe('');
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

  it('answers generated bodies to every body route, with any kind of token, with 2xx or a standard 4xx, never a 5xx', async () => {
    const usersBefore = await countUsers(sys().database);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        bodies,
        authKinds,
        garbageAuthorization,
        async (route, body, kind, garbage) => {
          const options: RequestOptions = { rawBody: body, headers: await authorization(kind, garbage) };
          const response = await sys().http.request('POST', route, options);
          check(response, route);
          afterValid(kind, 'POST', route, response);
        },
      ),
      { numRuns: Math.ceil(TOTAL_RUNS * 0.6), seed: SEED },
    );
    // Only the sign-ups the gateway acknowledged with 201 may have left a trace.
    expect(await countUsers(sys().database)).toBe(usersBefore + accepted);
  });

  describe(`a body nested ${DEEP_NESTING} levels deep → 400 VALIDATION_FAILED or BAD_REQUEST, never a 5xx`, () => {
    it.each(ROUTES.flatMap((route) => NESTING_KINDS.map((kind) => [route, kind] as const)))(
      '%s, %s nesting in each field',
      async (route, kind) => {
        for (const field of BODY_FIELDS) {
          const body = objectWithField(field, deepJson(DEEP_NESTING, kind), { username: 'deep_user' });
          const response = await sys().http.request('POST', route, {
            rawBody: body,
            headers: await authorization('valid', ''),
          });
          check(response, route);
          afterValid('valid', 'POST', route, response);
          expect({ field, status: response.status }).toEqual({ field, status: 400 });
          expect(['VALIDATION_FAILED', 'BAD_REQUEST']).toContain((response.body as { code: string }).code);
        }
      },
    );
  });

  it('answers generated headers with 2xx or a standard 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), headers, bodies, async (route, requestHeaders, body) => {
        check(await sys().http.request('POST', route, { rawBody: body, headers: requestHeaders }), route);
      }),
      { numRuns: Math.ceil(TOTAL_RUNS * 0.2), seed: SEED },
    );
  });

  it('answers generated paths and methods, with any kind of token, with 2xx or a standard 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(methods, paths, authKinds, garbageAuthorization, async (method, path, kind, garbage) => {
        const withBody = method !== 'GET' && method !== 'OPTIONS';
        const headers = await authorization(kind, garbage);
        const response = await sys().http.request(
          method,
          path,
          withBody ? { json: { username: 'x' }, headers } : { headers },
        );
        check(response, path);
        afterValid(kind, method, path, response);
      }),
      { numRuns: Math.ceil(TOTAL_RUNS * 0.2), seed: SEED },
    );
    expect(sent).toBeGreaterThanOrEqual(TOTAL_RUNS);
  });

  it('answers the refresh route with generated and mangled refresh tokens with 401 or 400, never a 5xx', async () => {
    const login = await sys().http.login({ username: FUZZ_USER, password: FUZZ_PASSWORD });
    const refreshToken = (login.body as { refreshToken: string }).refreshToken;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 100 }),
          fc.string({ unit: 'binary', maxLength: 60 }),
          fc.integer({ min: 0, max: 42 }).map((cut) => refreshToken.slice(0, cut)),
          fc.string({ minLength: 1, maxLength: 3 }).map((suffix) => refreshToken + suffix),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        async (candidate) => {
          const response = await sys().http.request('POST', '/api/auth/refresh', { json: { refreshToken: candidate } });
          check(response, '/api/auth/refresh');
          expect([400, 401]).toContain(response.status);
        },
      ),
      { numRuns: 200, seed: SEED },
    );
    // None of that used the real token up.
    expect((await sys().http.refresh(refreshToken)).status).toBe(200);
  });

  it('is still healthy afterwards, and the fuzz user still logs in and passes /auth/me', async () => {
    expect((await sys().http.request('GET', '/api/health/ready')).status).toBe(200);
    validToken = undefined;
    expect((await sys().http.me(await token())).status).toBe(200);
  });
});
