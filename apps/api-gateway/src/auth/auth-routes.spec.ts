import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { AppModule } from '../app.module';
import { ApiError } from '../common/api-error';
import { configureHttpServer, createHttpAdapter } from '../common/http-server';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { setupDocs } from '../docs/setup-docs';
import { accessTokenClaims, newSigningKey, signAccessToken } from '../testing/signed-tokens';
import { AuthClient } from './auth.client';

/** The transport boundary, faked: every method of AuthClient. */
type FakeAuthClient = { [K in keyof AuthClient]: jest.Mock };

const signingKey = newSigningKey();
const USER = { id: '0190a000-0000-7000-8000-00000000000a', username: 'alice', createdAt: '2025-01-01T00:00:00.000Z' };
const SESSION_ID = '0190a000-0000-7000-8000-0000000000b1';
const TOKENS = {
  accessToken: 'a.b.c',
  accessTokenExpiresAt: '2025-01-01T00:15:00.000Z',
  refreshToken: 'r'.repeat(43),
  refreshTokenExpiresAt: '2025-01-15T00:00:00.000Z',
  tokenType: 'Bearer',
};
const BEARER_CHALLENGE = 'Bearer';
const INVALID_TOKEN_CHALLENGE = /^Bearer error="invalid_token", error_description="[^"]+"$/;

function fakeAuthClient(): FakeAuthClient {
  const unavailable = () => Promise.reject(new ApiError('AUTH_UNAVAILABLE', ERROR_MESSAGES.AUTH_UNAVAILABLE));
  return {
    signup: jest.fn(() => Promise.resolve(USER)),
    login: jest.fn(() => Promise.resolve({ user: USER, ...TOKENS })),
    refresh: jest.fn(() => Promise.resolve(TOKENS)),
    logout: jest.fn(unavailable),
    logoutAll: jest.fn(unavailable),
    listSessions: jest.fn(unavailable),
    endSession: jest.fn(unavailable),
    changePassword: jest.fn(unavailable),
    jwks: jest.fn(() => Promise.resolve({ keys: [signingKey.jwk] })),
    revocations: jest.fn(() => Promise.resolve({ serverTime: new Date().toISOString(), revoked: [] })),
    health: jest.fn(() => Promise.resolve({ database: { status: 'up', durationMs: 0.4 } })),
  };
}

interface Gateway {
  app: NestFastifyApplication;
  auth: FakeAuthClient;
  document: OpenAPIObject;
}

/** The whole gateway as main.ts builds it (not listening), with the auth service behind the fake. */
async function startGateway(env: Record<string, string> = {}, auth = fakeAuthClient()): Promise<Gateway> {
  const config = new GatewayConfig(gatewayEnvSchema.parse({ NODE_ENV: 'test', LOG_LEVEL: 'fatal', ...env }));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(AuthClient)
    .useValue(auth)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { logger: false });
  await configureHttpServer(app, config);
  const document = setupDocs(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, auth, document };
}

type Method = 'GET' | 'POST' | 'DELETE';

/** An `inject` request, with `Authorization: Bearer <token>` and a JSON body when given. */
function req(method: Method, url: string, { token, body }: { token?: string; body?: unknown } = {}) {
  return {
    method,
    url,
    headers: {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  };
}
const sessionCalls = (auth: FakeAuthClient) =>
  (['logout', 'logoutAll', 'listSessions', 'endSession', 'changePassword'] as const).flatMap(
    (name) => auth[name].mock.calls,
  );

describe('the gateway with access tokens (AuthClient faked)', () => {
  let gateway: Gateway;
  const inject = (...args: Parameters<typeof req>) => gateway.app.inject(req(...args));

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(() => gateway.app.close());

  beforeEach(() => {
    for (const name of ['logout', 'logoutAll', 'listSessions', 'endSession', 'changePassword'] as const) {
      gateway.auth[name].mockClear();
    }
  });

  const protectedRoutes = [
    ['GET', '/api/auth/me', undefined],
    ['GET', '/api/auth/sessions', undefined],
    ['DELETE', `/api/auth/sessions/${SESSION_ID}`, undefined],
    ['POST', '/api/auth/logout', undefined],
    ['POST', '/api/auth/logout-all', undefined],
    ['POST', '/api/auth/password', { currentPassword: 'x', newPassword: 'Brand-New-Secret-Tulip-58' }],
  ] as const;

  it.each(protectedRoutes)(
    '%s %s without a token → 401 AUTHENTICATION_REQUIRED, WWW-Authenticate: Bearer',
    async (method, url, body) => {
      const response = await inject(method, url, { body });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        statusCode: 401,
        code: 'AUTHENTICATION_REQUIRED',
        message: ERROR_MESSAGES.AUTHENTICATION_REQUIRED,
      });
      expect(response.headers['www-authenticate']).toBe(BEARER_CHALLENGE);
      expect(sessionCalls(gateway.auth)).toEqual([]);
    },
  );

  it.each(protectedRoutes)(
    '%s %s with a forged token → 401 INVALID_TOKEN, error="invalid_token"',
    async (method, url, body) => {
      const forged = signAccessToken(newSigningKey(signingKey.kid));

      const response = await inject(method, url, { token: forged, body });

      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
    },
  );

  it('GET /api/auth/me answers from the token alone, with no call to the auth service', async () => {
    const claims = accessTokenClaims();

    const response = await inject('GET', '/api/auth/me', { token: signAccessToken(signingKey, claims) });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: claims.sub, username: claims.username, sessionId: claims.sid });
    expect(sessionCalls(gateway.auth)).toEqual([]);
  });

  it('an expired token → 401 TOKEN_EXPIRED, error="invalid_token"', async () => {
    const now = Math.floor(Date.now() / 1_000);
    const token = signAccessToken(signingKey, accessTokenClaims({ iat: now - 1_000, exp: now - 120 }));

    const response = await inject('GET', '/api/auth/me', { token });

    expect(response.json()).toMatchObject({ statusCode: 401, code: 'TOKEN_EXPIRED' });
    expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
  });

  describe('public routes need no token', () => {
    it.each([
      ['POST', '/api/auth/signup', 201, { username: 'alice', password: 'Brand-New-Secret-Tulip-58' }],
      ['POST', '/api/auth/login', 200, { username: 'alice', password: 'x' }],
      ['POST', '/api/auth/refresh', 200, { refreshToken: 'r'.repeat(43) }],
      ['GET', '/api/auth/jwks', 200, undefined],
      ['GET', '/api/health/live', 200, undefined],
      ['GET', '/api/health/ready', 200, undefined],
      ['GET', '/metrics', 200, undefined],
      ['GET', '/api/docs', 200, undefined],
      ['GET', '/api/docs-json', 200, undefined],
    ] as const)('%s %s → %i', async (method, url, status, body) => {
      const response = await inject(method, url, { body });

      expect(response.statusCode).toBe(status);
      expect(response.headers['www-authenticate']).toBeUndefined();
    });

    it('POST /api/auth/refresh forwards the body and answers the new tokens', async () => {
      const response = await inject('POST', '/api/auth/refresh', { body: { refreshToken: 'r1' } });

      expect(response.json()).toEqual(TOKENS);
      expect(gateway.auth.refresh).toHaveBeenLastCalledWith(
        { refreshToken: 'r1' },
        expect.objectContaining({ requestId: expect.any(String), clientIp: '127.0.0.1' }),
      );
    });

    it('GET /api/auth/jwks answers the cached key set, cacheable for JWKS_REFRESH_INTERVAL', async () => {
      const calls = gateway.auth.jwks.mock.calls.length;

      const response = await inject('GET', '/api/auth/jwks');

      expect(response.json()).toEqual({ keys: [signingKey.jwk] });
      expect(response.headers['cache-control']).toBe('public, max-age=60');
      expect(gateway.auth.jwks.mock.calls.length).toBe(calls);
    });

    it('the readiness body names the token checks too', async () => {
      const response = await inject('GET', '/api/health/ready');

      expect(Object.keys(response.json<{ details: object }>().details).sort()).toEqual([
        'auth',
        'database',
        'revocations',
        'signingKeys',
      ]);
    });
  });

  describe('session routes forward the caller’s token, and revoke at once what the auth service ended', () => {
    const ended = (sessionId: string) => ({
      revoked: [{ sessionId, until: new Date(Date.now() + 900_000).toISOString() }],
    });
    const me = (token: string) => inject('GET', '/api/auth/me', { token });

    it.each([
      ['POST /auth/logout', 'logout', 'POST', '/api/auth/logout', undefined, {}],
      ['POST /auth/logout-all', 'logoutAll', 'POST', '/api/auth/logout-all', undefined, {}],
      [
        'DELETE /auth/sessions/:id',
        'endSession',
        'DELETE',
        `/api/auth/sessions/${SESSION_ID}`,
        undefined,
        { sessionId: SESSION_ID },
      ],
      [
        'POST /auth/password',
        'changePassword',
        'POST',
        '/api/auth/password',
        { currentPassword: 'Session-Secret-Kettle-41', newPassword: 'Brand-New-Secret-Tulip-58' },
        { currentPassword: 'Session-Secret-Kettle-41', newPassword: 'Brand-New-Secret-Tulip-58' },
      ],
    ] as const)(
      '%s → 204; the ended session is refused by the next request',
      async (_label, method, verb, url, body, payload) => {
        const claims = accessTokenClaims();
        const token = signAccessToken(signingKey, claims);
        gateway.auth[method].mockResolvedValueOnce(ended(claims.sid));

        const response = await inject(verb, url, { token, body });

        expect(response.statusCode).toBe(204);
        expect(response.body).toBe('');
        expect(gateway.auth[method]).toHaveBeenCalledWith(
          { accessToken: token, ...payload },
          expect.objectContaining({ requestId: expect.any(String), clientIp: '127.0.0.1' }),
        );
        const after = await me(token);
        expect(after.statusCode).toBe(401);
        expect(after.json()).toMatchObject({ code: 'SESSION_REVOKED' });
        expect(after.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
      },
    );

    it('GET /api/auth/sessions → the JSON array the auth service answers', async () => {
      const token = signAccessToken(signingKey);
      const list = [
        {
          id: SESSION_ID,
          createdAt: USER.createdAt,
          lastUsedAt: USER.createdAt,
          ip: null,
          userAgent: null,
          current: true,
        },
      ];
      gateway.auth.listSessions.mockResolvedValueOnce(list);

      const response = await inject('GET', '/api/auth/sessions', { token });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(list);
      expect(gateway.auth.listSessions).toHaveBeenCalledWith({ accessToken: token }, expect.anything());
    });

    it.each(['not-a-uuid', '1', "1' OR '1'='1"])(
      'DELETE /api/auth/sessions/%s → 404 SESSION_NOT_FOUND, without asking the auth service',
      async (id) => {
        const response = await inject('DELETE', `/api/auth/sessions/${encodeURIComponent(id)}`, {
          token: signAccessToken(signingKey),
        });

        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({
          statusCode: 404,
          code: 'SESSION_NOT_FOUND',
          message: ERROR_MESSAGES.SESSION_NOT_FOUND,
        });
        expect(gateway.auth.endSession).not.toHaveBeenCalled();
      },
    );

    it('POST /api/auth/password with an invalid body → 400 VALIDATION_FAILED, without asking the auth service', async () => {
      const response = await inject('POST', '/api/auth/password', {
        token: signAccessToken(signingKey),
        body: { currentPassword: 'x', newPassword: 'short' },
      });

      expect(response.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect(gateway.auth.changePassword).not.toHaveBeenCalled();
    });

    it("passes the auth service's answers through: 403 CURRENT_PASSWORD_INCORRECT, 503 AUTH_UNAVAILABLE", async () => {
      const token = signAccessToken(signingKey);
      gateway.auth.changePassword.mockRejectedValueOnce(
        new ApiError('CURRENT_PASSWORD_INCORRECT', ERROR_MESSAGES.CURRENT_PASSWORD_INCORRECT),
      );
      const body = { currentPassword: 'wrong', newPassword: 'Brand-New-Secret-Tulip-58' };

      const refused = await inject('POST', '/api/auth/password', { token, body });
      const down = await inject('POST', '/api/auth/logout', { token });

      expect(refused.json()).toMatchObject({ statusCode: 403, code: 'CURRENT_PASSWORD_INCORRECT' });
      expect(down.json()).toMatchObject({ statusCode: 503, code: 'AUTH_UNAVAILABLE' });
      expect(down.headers['www-authenticate']).toBeUndefined();
    });
  });

  it('documents the bearer scheme on protected routes only', () => {
    const { paths, components } = gateway.document;

    expect(components?.securitySchemes?.['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(paths['/api/auth/me']?.get?.security).toEqual([{ bearer: [] }]);
    expect(paths['/api/auth/sessions/{id}']?.delete?.security).toEqual([{ bearer: [] }]);
    expect(paths['/api/auth/password']?.post?.security).toEqual([{ bearer: [] }]);
    for (const path of ['/api/auth/login', '/api/auth/signup', '/api/auth/refresh']) {
      expect(paths[path]?.post?.security).toBeUndefined();
    }
    expect(paths['/api/auth/jwks']?.get?.security).toBeUndefined();
  });
});

describe('the gateway with access tokens: guard order, and an auth service that is down', () => {
  let gateway: Gateway | undefined;

  afterEach(async () => {
    await gateway?.app.close();
    gateway = undefined;
  });

  it('rate-limits by client IP before checking the token: public refresh and protected password alike', async () => {
    gateway = await startGateway({ RATE_LIMIT_REFRESH_LIMIT: '2', RATE_LIMIT_PASSWORD_LIMIT: '2' });
    const { app } = gateway;
    const statuses = async (request: () => ReturnType<NestFastifyApplication['inject']>) => {
      const answers = [];
      for (let i = 0; i < 3; i += 1) answers.push((await request()).statusCode);
      return answers;
    };

    const refresh = () => app.inject(req('POST', '/api/auth/refresh', { body: { refreshToken: 'r' } }));
    const password = () =>
      app.inject(req('POST', '/api/auth/password', { body: { currentPassword: 'a', newPassword: 'b' } }));

    await expect(statuses(refresh)).resolves.toEqual([200, 200, 429]);
    await expect(statuses(password)).resolves.toEqual([401, 401, 429]);
  });

  it('starts without signing keys when the auth service is down: protected routes 503, public ones work, not ready', async () => {
    const auth = fakeAuthClient();
    const down = () => Promise.reject(new ApiError('AUTH_UNAVAILABLE', ERROR_MESSAGES.AUTH_UNAVAILABLE));
    auth.jwks.mockImplementation(down);
    auth.revocations.mockImplementation(down);
    auth.health.mockImplementation(down);
    gateway = await startGateway({}, auth);
    const { app } = gateway;

    const me = await app.inject(req('GET', '/api/auth/me', { token: signAccessToken(signingKey) }));
    const jwks = await app.inject({ method: 'GET', url: '/api/auth/jwks' });
    const ready = await app.inject({ method: 'GET', url: '/api/health/ready' });

    expect(me.json()).toEqual({ statusCode: 503, code: 'AUTH_UNAVAILABLE', message: ERROR_MESSAGES.AUTH_UNAVAILABLE });
    expect(jwks.json()).toMatchObject({ statusCode: 503, code: 'AUTH_UNAVAILABLE' });
    expect((await app.inject({ method: 'GET', url: '/api/health/live' })).statusCode).toBe(200);
    expect(ready.statusCode).toBe(503);
    expect(ready.json<{ error: object }>().error).toEqual({
      auth: expect.objectContaining({ status: 'down', code: 'AUTH_UNAVAILABLE' }),
      signingKeys: { status: 'down', keys: 0, message: 'No signing key is loaded' },
      revocations: { status: 'down', message: 'The revocation list was never synced' },
    });
  });

  it('keeps answering /auth/me once the auth service goes away, and turns not ready when the list goes stale', async () => {
    gateway = await startGateway({ REVOCATION_SYNC_INTERVAL: '100ms', REVOCATION_SYNC_STALE_AFTER: '1s' });
    const { app, auth } = gateway;
    const token = signAccessToken(signingKey);
    expect((await app.inject({ method: 'GET', url: '/api/health/ready' })).statusCode).toBe(200);

    const down = () => Promise.reject(new ApiError('AUTH_UNAVAILABLE', ERROR_MESSAGES.AUTH_UNAVAILABLE));
    auth.revocations.mockImplementation(down);
    auth.jwks.mockImplementation(down);
    await new Promise((resolve) => setTimeout(resolve, 1_300));

    const ready = await app.inject({ method: 'GET', url: '/api/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json<{ error: object }>().error).toEqual({
      revocations: expect.objectContaining({ status: 'down', lastSyncAgeMs: expect.any(Number) }),
    });
    const me = await app.inject(req('GET', '/api/auth/me', { token }));
    expect(me.statusCode).toBe(200);
  });
});
