import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import {
  BEARER_CHALLENGE,
  INVALID_TOKEN_CHALLENGE,
  req,
  SESSION_ID,
  SESSION_METHODS,
  sessionCalls,
  signingKey,
  startGateway,
  type TestGateway,
  TOKENS,
} from '../testing/gateway-harness';
import { accessTokenClaims, newSigningKey, signAccessToken } from '@nestjs-microservices/nest-auth/testing';

describe('routes and access tokens (whole gateway, AuthClient faked)', () => {
  let gateway: TestGateway;
  const inject = (...args: Parameters<typeof req>) => gateway.app.inject(req(...args));

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(() => gateway.app.close());

  beforeEach(() => {
    for (const name of SESSION_METHODS) gateway.auth[name].mockClear();
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

  it.each([
    ['/api/auth/login', undefined],
    ['/api/auth/logout', 'valid token'],
  ])(
    'POST %s with a body nested 3,000 levels deep → 400 VALIDATION_FAILED, before guards and handler',
    async (url, auth) => {
      // As text: JSON.stringify itself would overflow the stack on this.
      const deep = `${'[{"":'.repeat(1_500)}1${'}]'.repeat(1_500)}`;
      const token = auth ? signAccessToken(signingKey, accessTokenClaims()) : undefined;
      const request = req('POST', url, { token, body: {} });
      gateway.auth.login.mockClear();

      const response = await gateway.app.inject({ ...request, payload: `{"username":"alice","password":${deep}}` });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: ERROR_MESSAGES.VALIDATION_FAILED,
        details: [{ field: 'password', messages: [expect.stringMatching(/more than 32 levels/)] }],
      });
      expect(sessionCalls(gateway.auth)).toEqual([]);
      expect(gateway.auth.login).not.toHaveBeenCalled();
    },
  );

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
