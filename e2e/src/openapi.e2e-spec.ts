/**
 * The OpenAPI document the running gateway serves at /api/docs-json: a valid OpenAPI 3 document
 * that lists every route with its request schema, success response and every error status.
 */
import { describeResponse } from './support/http';
import { startSystem, type TestSystem } from './support/system';

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isRecord(current)) throw new Error(`no "${key}" in ${JSON.stringify(current)?.slice(0, 200)}`);
    current = current[key];
  }
  return current;
}

/** A route as the document must describe it. `errors`: status → the codes its description must name. */
interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  path: string;
  /** The request body schema, if the route takes a body. */
  body?: string;
  /** Success status and its schema: a schema name, `[name]` for an array of it, or null for no content (204). */
  success: [string, string | [string] | null];
  errors: Record<string, string[]>;
  /** Needs `Authorization: Bearer <access token>`: the operation names a security requirement. */
  bearer?: boolean;
  /** Takes `X-Auth-Mode: cookie` (cookie mode): an optional header parameter; 403 CSRF_REJECTED. */
  cookieMode?: boolean;
  /** The body may be left out (the refresh token comes from the cookie in cookie mode). */
  optionalBody?: boolean;
}

/** The 401 codes of every route that needs an access token. */
const TOKEN_ERRORS = ['AUTHENTICATION_REQUIRED', 'INVALID_TOKEN', 'TOKEN_EXPIRED', 'SESSION_REVOKED'];
const UPSTREAM = { '503': ['AUTH_UNAVAILABLE'], '504': ['UPSTREAM_TIMEOUT'] };

/** The /api/admin routes: all need an admin's recent token, have their own rate limit, and answer 403 FORBIDDEN. */
function adminRoutes(): RouteDoc[] {
  const errors = (own: Record<string, string[]> = {}): Record<string, string[]> => ({
    ...own,
    '401': [...TOKEN_ERRORS, 'REAUTHENTICATION_REQUIRED'],
    '403': ['FORBIDDEN'],
    '429': ['RATE_LIMITED'],
    ...UPSTREAM,
  });
  const user = '/api/admin/users/{id}';
  const notFound = { '404': ['USER_NOT_FOUND'] };
  const lastAdmin = { '404': ['USER_NOT_FOUND'], '409': ['LAST_ADMIN'] };
  return [
    {
      method: 'get',
      path: '/api/admin/users',
      success: ['200', 'AdminUserPageResponse'],
      errors: errors({ '400': ['VALIDATION_FAILED'] }),
    },
    { method: 'get', path: user, success: ['200', 'AdminUserDetailResponse'], errors: errors(notFound) },
    { method: 'post', path: `${user}/disable`, success: ['200', 'AdminUserResponse'], errors: errors(lastAdmin) },
    { method: 'post', path: `${user}/enable`, success: ['200', 'AdminUserResponse'], errors: errors(notFound) },
    { method: 'delete', path: user, success: ['204', null], errors: errors(lastAdmin) },
    { method: 'delete', path: `${user}/sessions`, success: ['204', null], errors: errors(notFound) },
    {
      method: 'delete',
      path: `${user}/sessions/{sid}`,
      success: ['204', null],
      errors: errors({ '404': ['USER_NOT_FOUND', 'SESSION_NOT_FOUND'] }),
    },
    {
      method: 'post',
      path: `${user}/roles`,
      body: 'ChangeRolesDto',
      success: ['200', 'AdminUserResponse'],
      errors: errors({ '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'], ...lastAdmin }),
    },
    {
      method: 'post',
      path: `${user}/password-reset`,
      success: ['202', 'AcceptedResponse'],
      errors: errors({ '404': ['USER_NOT_FOUND'], '409': ['NO_EMAIL_ON_ACCOUNT'], '501': ['MAIL_DISABLED'] }),
    },
    {
      method: 'get',
      path: '/api/admin/audit',
      success: ['200', 'AuditEventPageResponse'],
      errors: errors({ '400': ['VALIDATION_FAILED'] }),
    },
  ].map((route) => ({ ...route, bearer: true }) as RouteDoc);
}

/** Every route of the gateway: method, path, request schema (if any), success status and every error status. */
const ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/auth/signup',
    body: 'SignupDto',
    success: ['201', 'UserResponse'],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      '409': ['USERNAME_TAKEN', 'EMAIL_TAKEN'],
      '413': ['PAYLOAD_TOO_LARGE'],
      '415': ['UNSUPPORTED_MEDIA_TYPE'],
      '501': ['MAIL_DISABLED'],
      '503': ['AUTH_UNAVAILABLE'],
      '504': ['UPSTREAM_TIMEOUT'],
    },
  },
  {
    method: 'post',
    path: '/api/auth/login',
    body: 'LoginDto',
    success: ['200', 'LoginResponse'],
    cookieMode: true,
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      '401': ['INVALID_CREDENTIALS'],
      '403': ['CSRF_REJECTED', 'ACCOUNT_DISABLED'],
      '413': ['PAYLOAD_TOO_LARGE'],
      '415': ['UNSUPPORTED_MEDIA_TYPE'],
      '503': ['AUTH_UNAVAILABLE'],
      '504': ['UPSTREAM_TIMEOUT'],
    },
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    body: 'RefreshDto',
    success: ['200', 'TokenResponse'],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      '401': ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_REUSED'],
      '403': ['CSRF_REJECTED', 'ACCOUNT_DISABLED'],
      '413': ['PAYLOAD_TOO_LARGE'],
      '415': ['UNSUPPORTED_MEDIA_TYPE'],
      ...UPSTREAM,
    },
    cookieMode: true,
    optionalBody: true,
  },
  // Served from the gateway's copy of the keys: 503 only when it has none and cannot fetch them.
  { method: 'get', path: '/api/auth/jwks', success: ['200', 'JwksResponse'], errors: { '503': ['AUTH_UNAVAILABLE'] } },
  {
    method: 'get',
    path: '/api/auth/me',
    success: ['200', 'MeResponse'],
    errors: { '401': TOKEN_ERRORS },
    bearer: true,
  },
  {
    method: 'get',
    path: '/api/auth/sessions',
    success: ['200', ['SessionResponse']],
    errors: { '401': TOKEN_ERRORS, ...UPSTREAM },
    bearer: true,
  },
  {
    method: 'delete',
    path: '/api/auth/sessions/{id}',
    success: ['204', null],
    errors: { '401': TOKEN_ERRORS, '404': ['SESSION_NOT_FOUND'], ...UPSTREAM },
    bearer: true,
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    success: ['204', null],
    errors: { '401': TOKEN_ERRORS, '403': ['CSRF_REJECTED'], ...UPSTREAM },
    bearer: true,
    cookieMode: true,
  },
  {
    method: 'post',
    path: '/api/auth/logout-all',
    success: ['204', null],
    errors: { '401': TOKEN_ERRORS, '403': ['CSRF_REJECTED'], ...UPSTREAM },
    bearer: true,
    cookieMode: true,
  },
  {
    method: 'post',
    path: '/api/auth/password',
    body: 'ChangePasswordDto',
    success: ['204', null],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      '401': TOKEN_ERRORS,
      '403': ['CURRENT_PASSWORD_INCORRECT'],
      '413': ['PAYLOAD_TOO_LARGE'],
      '415': ['UNSUPPORTED_MEDIA_TYPE'],
      ...UPSTREAM,
    },
    bearer: true,
  },
  ...adminRoutes(),
  {
    method: 'post',
    path: '/api/auth/email',
    body: 'ChangeEmailDto',
    success: ['202', 'AcceptedResponse'],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      '401': TOKEN_ERRORS,
      '403': ['CURRENT_PASSWORD_INCORRECT'],
      '409': ['EMAIL_TAKEN'],
      '413': ['PAYLOAD_TOO_LARGE'],
      '415': ['UNSUPPORTED_MEDIA_TYPE'],
      '429': ['TOO_MANY_ATTEMPTS', 'TOO_MANY_MAILS', 'RATE_LIMITED'],
      '501': ['MAIL_DISABLED'],
      ...UPSTREAM,
    },
    bearer: true,
  },
  {
    method: 'post',
    path: '/api/auth/email/verify',
    body: 'VerifyEmailDto',
    success: ['200', 'UserResponse'],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON', 'EMAIL_VERIFICATION_TOKEN_INVALID'],
      '409': ['EMAIL_TAKEN'],
      '429': ['RATE_LIMITED'],
      '501': ['MAIL_DISABLED'],
      ...UPSTREAM,
    },
  },
  {
    method: 'post',
    path: '/api/auth/email/verify/resend',
    success: ['202', 'AcceptedResponse'],
    errors: {
      '401': TOKEN_ERRORS,
      '409': ['NO_EMAIL_ON_ACCOUNT', 'EMAIL_ALREADY_VERIFIED'],
      '429': ['TOO_MANY_MAILS', 'RATE_LIMITED'],
      '501': ['MAIL_DISABLED'],
      ...UPSTREAM,
    },
    bearer: true,
  },
  {
    method: 'post',
    path: '/api/auth/password/forgot',
    body: 'ForgotPasswordDto',
    success: ['202', 'AcceptedResponse'],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      '429': ['RATE_LIMITED'],
      '501': ['MAIL_DISABLED'],
      ...UPSTREAM,
    },
  },
  {
    method: 'post',
    path: '/api/auth/password/reset',
    body: 'ResetPasswordDto',
    success: ['204', null],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON', 'PASSWORD_RESET_TOKEN_INVALID'],
      '429': ['TOO_MANY_ATTEMPTS', 'RATE_LIMITED'],
      '501': ['MAIL_DISABLED'],
      ...UPSTREAM,
    },
  },
  {
    method: 'delete',
    path: '/api/auth/account',
    body: 'DeleteAccountDto',
    success: ['204', null],
    errors: {
      '400': ['VALIDATION_FAILED', 'MALFORMED_JSON'],
      '401': TOKEN_ERRORS,
      '403': ['CURRENT_PASSWORD_INCORRECT', 'CSRF_REJECTED'],
      '429': ['TOO_MANY_ATTEMPTS', 'RATE_LIMITED'],
      ...UPSTREAM,
    },
    bearer: true,
    cookieMode: true,
  },
  { method: 'get', path: '/api/health/live', success: ['200', 'HealthCheckResponse'], errors: {} },
  { method: 'get', path: '/api/health/ready', success: ['200', 'HealthCheckResponse'], errors: { '503': [] } },
];

const refTo = (schema: string) => ({ $ref: `#/components/schemas/${schema}` });

/** Every `$ref` anywhere in `value`. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [child] : refsIn(child),
  );
}

describe('OpenAPI document at /api/docs-json', () => {
  let system: TestSystem | undefined;
  let document: Json = {};

  beforeAll(async () => {
    system = await startSystem({ suite: 'openapi' });
    const response = await system.http.get('/api/docs-json');
    if (response.status !== 200 || !isRecord(response.body)) throw new Error(describeResponse(response));
    expect(response.headers.get('content-type')).toContain('application/json');
    document = response.body;
  });

  afterAll(async () => {
    await system?.teardown();
  });

  it('is an OpenAPI 3 document with a title, a version and a description of the error shape', () => {
    expect(document['openapi']).toMatch(/^3\.\d+\.\d+$/);
    expect(at(document, 'info', 'title')).toEqual(expect.stringMatching(/\S/));
    expect(at(document, 'info', 'version')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(at(document, 'info', 'description')).toEqual(expect.stringContaining('"statusCode"'));
  });

  it('is self-consistent: every $ref resolves, every response has a description', () => {
    const schemas = Object.keys(at(document, 'components', 'schemas') as Json);
    const refs = [...new Set(refsIn(document))];
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter((ref) => !schemas.map((name) => refTo(name).$ref).includes(ref))).toEqual([]);
    for (const operations of Object.values(at(document, 'paths') as Json)) {
      for (const operation of Object.values(operations as Json)) {
        for (const [status, response] of Object.entries(at(operation, 'responses') as Json)) {
          expect({ status, description: at(response, 'description') }).toEqual({
            status,
            description: expect.stringMatching(/\S/),
          });
        }
      }
    }
  });

  it('lists exactly the routes of the gateway, each with a summary', () => {
    const listed = Object.entries(at(document, 'paths') as Json).flatMap(([path, operations]) =>
      Object.keys(operations as Json).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of ROUTES) {
      expect({ route: route.path, summary: at(document, 'paths', route.path, route.method, 'summary') }).toEqual({
        route: route.path,
        summary: expect.stringMatching(/\S/),
      });
    }
  });

  it.each(ROUTES)('$method $path: request schema, success response and every error status', (route) => {
    const operation = at(document, 'paths', route.path, route.method);
    if (route.body) {
      expect(at(operation, 'requestBody', 'required')).toBe(!route.optionalBody);
      expect(at(operation, 'requestBody', 'content', 'application/json', 'schema')).toEqual(refTo(route.body));
    } else {
      expect(isRecord(operation) && 'requestBody' in operation).toBe(false);
    }
    const [status, schema] = route.success;
    if (schema === null) {
      expect(at(operation, 'responses', status, 'description')).toEqual(expect.stringMatching(/\S/));
      expect(at(operation, 'responses', status, 'content') ?? {}).toEqual({});
    } else {
      const expected = typeof schema === 'string' ? refTo(schema) : { type: 'array', items: refTo(schema[0]) };
      expect(at(operation, 'responses', status, 'content', 'application/json', 'schema')).toEqual(expected);
    }
    const security = isRecord(operation) ? operation['security'] : undefined;
    if (route.bearer) {
      expect({ route: route.path, security }).toEqual({ route: route.path, security: [expect.any(Object)] });
    } else {
      expect({
        route: route.path,
        security: Array.isArray(security) ? security.filter((s) => Object.keys(s).length) : [],
      }).toEqual({ route: route.path, security: [] });
    }

    const parameters = (
      isRecord(operation) && Array.isArray(operation['parameters']) ? operation['parameters'] : []
    ) as Json[];
    const authMode = parameters.filter(
      (parameter) => parameter['in'] === 'header' && parameter['name'] === 'X-Auth-Mode',
    );
    expect({ route: route.path, authMode: authMode.map((parameter) => parameter['required'] ?? false) }).toEqual({
      route: route.path,
      authMode: route.cookieMode ? [false] : [],
    });

    const responses = at(operation, 'responses') as Json;
    expect(Object.keys(responses)).toEqual(expect.arrayContaining([status, ...Object.keys(route.errors)]));
    for (const [errorStatus, codes] of Object.entries(route.errors)) {
      const description = String(at(responses, errorStatus, 'description'));
      expect({ errorStatus, missing: codes.filter((code) => !description.includes(code)) }).toEqual({
        errorStatus,
        missing: [],
      });
      const errorSchema = codes.length ? 'ErrorResponse' : 'HealthCheckResponse';
      expect(at(responses, errorStatus, 'content', 'application/json', 'schema')).toEqual(refTo(errorSchema));
    }
  });

  it('describes the error shape, with code as an enum of the contract codes', () => {
    const schemas = at(document, 'components', 'schemas');
    expect(at(schemas, 'ErrorResponse')).toMatchObject({
      required: expect.arrayContaining(['statusCode', 'code', 'message']),
      properties: {
        statusCode: { type: 'number' },
        code: { allOf: [refTo('ErrorCode')] },
        message: { type: 'string' },
        details: { type: 'array', items: refTo('FieldErrorResponse') },
      },
    });
    expect(at(schemas, 'ErrorCode', 'enum')).toEqual(
      expect.arrayContaining([
        'VALIDATION_FAILED',
        'MALFORMED_JSON',
        'INVALID_CREDENTIALS',
        'USERNAME_TAKEN',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
        'INTERNAL_ERROR',
        'AUTH_UNAVAILABLE',
        'UPSTREAM_TIMEOUT',
      ]),
    );
  });

  it('carries the sign-up rules: length limits and the username pattern', () => {
    const signup = at(document, 'components', 'schemas', 'SignupDto');
    expect(signup).toMatchObject({
      required: ['username', 'password'],
      properties: {
        username: { type: 'string', minLength: 3, maxLength: 64, pattern: expect.any(String) },
        password: { type: 'string', minLength: 8, maxLength: 128 },
      },
    });
    const pattern = new RegExp(String(at(signup, 'properties', 'username', 'pattern')), 'u');
    expect(['alice', 'Élodie', 'user.name_1-x'].filter((name) => !pattern.test(name))).toEqual([]);
    expect(['a b', 'alice@example', '<script>'].filter((name) => pattern.test(name))).toEqual([]);
    expect(at(document, 'components', 'schemas', 'LoginDto')).toMatchObject({
      properties: { username: { maxLength: 64 }, password: { maxLength: 128 } },
    });
  });
});
