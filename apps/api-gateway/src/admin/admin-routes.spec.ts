import { accessTokenClaims, signAccessToken } from '@nestjs-microservices/nest-auth/testing';
import {
  ADMIN_METHODS,
  req,
  SESSION_ID,
  signingKey,
  startGateway,
  type TestGateway,
  USER,
} from '../testing/gateway-harness';

const USER_ID = USER.id;
const ADMIN_USER = {
  ...USER,
  status: 'disabled',
  disabledAt: '2025-01-02T00:00:00.000Z',
  roles: [],
  lastLoginAt: null,
};

describe('admin routes: @Roles("admin"), forwarded with the caller’s token, ended sessions revoked at once', () => {
  let gateway: TestGateway;
  const inject = (...args: Parameters<typeof req>) => gateway.app.inject(req(...args));
  const tokenWith = (roles: string[] | undefined, sid?: string) =>
    signAccessToken(signingKey, accessTokenClaims({ ...(roles && { roles }), ...(sid && { sid }) }));

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(() => gateway.app.close());

  beforeEach(() => {
    for (const name of ADMIN_METHODS) gateway.auth[name].mockClear();
  });

  const ROUTES = [
    ['GET', '/api/admin/users?query=ali&limit=5', undefined],
    ['GET', `/api/admin/users/${USER_ID}`, undefined],
    ['POST', `/api/admin/users/${USER_ID}/disable`, undefined],
    ['POST', `/api/admin/users/${USER_ID}/enable`, undefined],
    ['DELETE', `/api/admin/users/${USER_ID}`, undefined],
    ['DELETE', `/api/admin/users/${USER_ID}/sessions`, undefined],
    ['DELETE', `/api/admin/users/${USER_ID}/sessions/${SESSION_ID}`, undefined],
    ['POST', `/api/admin/users/${USER_ID}/roles`, { add: ['editor'] }],
    ['GET', '/api/admin/audit?type=login.failed', undefined],
  ] as const;

  it.each(ROUTES)(
    '%s %s: 403 FORBIDDEN without the admin role, and the auth service is not asked',
    async (verb, url, body) => {
      for (const roles of [undefined, [], ['editor']]) {
        const response = await inject(verb, url, { token: tokenWith(roles), body });
        expect(response.statusCode).toBe(403);
        expect(response.json()).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: expect.any(String) });
        expect(response.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
      }
      expect(ADMIN_METHODS.flatMap((name) => gateway.auth[name].mock.calls)).toEqual([]);
    },
  );

  it.each(ROUTES)('%s %s: 401 without a token', async (verb, url, body) => {
    const response = await inject(verb, url, { body });
    expect(response.statusCode).toBe(401);
  });

  it('lists users with the query passed on, the page size as a number, and the caller’s token', async () => {
    const page = { users: [ADMIN_USER], nextCursor: null };
    gateway.auth['adminListUsers'].mockResolvedValueOnce(page);
    const token = tokenWith(['admin']);
    const response = await inject('GET', '/api/admin/users?query=ali&status=active&limit=5', { token });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(page);
    expect(gateway.auth['adminListUsers']).toHaveBeenCalledWith(
      { query: 'ali', status: 'active', limit: 5, accessToken: token },
      expect.objectContaining({ requestId: expect.any(String) }),
    );
  });

  it.each([['limit=0'], ['limit=101'], ['limit=x'], ['status=gone'], ['unknown=1']])(
    'GET /api/admin/users?%s → 400 VALIDATION_FAILED',
    async (query) => {
      const response = await inject('GET', `/api/admin/users?${query}`, { token: tokenWith(['admin']) });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    },
  );

  it.each([['type=DROP TABLE'], ['since=yesterday'], ['userId=42']])('GET /api/admin/audit?%s → 400', async (query) => {
    const response = await inject('GET', `/api/admin/audit?${query}`, { token: tokenWith(['admin']) });
    expect(response.statusCode).toBe(400);
  });

  it('a user id that is not a UUID is 404 USER_NOT_FOUND without asking', async () => {
    const response = await inject('POST', '/api/admin/users/not-a-uuid/disable', { token: tokenWith(['admin']) });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'USER_NOT_FOUND' });
    expect(gateway.auth['adminDisableUser']).not.toHaveBeenCalled();
  });

  it('refuses a roles body with a bad role name or a non-array', async () => {
    for (const body of [{ add: ['Admin'] }, { add: 'admin' }, { remove: [''] }, { grant: ['admin'] }]) {
      const response = await inject('POST', `/api/admin/users/${USER_ID}/roles`, { token: tokenWith(['admin']), body });
      expect(response.statusCode).toBe(400);
    }
  });

  it('disable: answers the account without the ended sessions, and refuses their tokens here at once', async () => {
    const victim = accessTokenClaims({ sub: USER_ID });
    const victimToken = signAccessToken(signingKey, victim);
    expect((await inject('GET', '/api/auth/me', { token: victimToken })).statusCode).toBe(200);
    gateway.auth['adminDisableUser'].mockResolvedValueOnce({
      user: ADMIN_USER,
      revoked: [{ sessionId: victim.sid, until: new Date(Date.now() + 900_000).toISOString() }],
    });
    const response = await inject('POST', `/api/admin/users/${USER_ID}/disable`, { token: tokenWith(['admin']) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(ADMIN_USER);
    expect((await inject('GET', '/api/auth/me', { token: victimToken })).json()).toMatchObject({
      code: 'SESSION_REVOKED',
    });
  });

  it('passes REAUTHENTICATION_REQUIRED on as 401 with a step-up challenge', async () => {
    const { ApiError } = await import('../common/api-error');
    gateway.auth['adminGetUser'].mockRejectedValueOnce(
      new ApiError('REAUTHENTICATION_REQUIRED', 'This needs a recent password login: log in again'),
    );
    const response = await inject('GET', `/api/admin/users/${USER_ID}`, { token: tokenWith(['admin']) });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: 'REAUTHENTICATION_REQUIRED' });
    expect(response.headers['www-authenticate']).toBe('Bearer error="insufficient_user_authentication"');
  });

  it('documents every admin route in the OpenAPI document', () => {
    const paths = gateway.document.paths;
    expect(Object.keys(paths['/api/admin/users'] ?? {})).toEqual(['get']);
    expect(Object.keys(paths['/api/admin/users/{id}'] ?? {}).sort()).toEqual(['delete', 'get']);
    for (const path of [
      '/api/admin/users/{id}/disable',
      '/api/admin/users/{id}/enable',
      '/api/admin/users/{id}/roles',
    ]) {
      expect(Object.keys(paths[path] ?? {})).toEqual(['post']);
    }
    expect(Object.keys(paths['/api/admin/users/{id}/sessions'] ?? {})).toEqual(['delete']);
    expect(Object.keys(paths['/api/admin/users/{id}/sessions/{sid}'] ?? {})).toEqual(['delete']);
    expect(Object.keys(paths['/api/admin/audit'] ?? {})).toEqual(['get']);
    expect(paths['/api/admin/users/{id}/disable']?.post?.responses?.['403']).toBeDefined();
    for (const operations of Object.entries(paths).filter(([path]) => path.startsWith('/api/admin'))) {
      for (const operation of Object.values(operations[1])) {
        for (const response of Object.values(
          (operation as { responses: Record<string, { description?: string }> }).responses,
        )) {
          expect(response.description).toMatch(/\S/);
        }
      }
    }
  });
});
