import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { ApiError } from '../common/api-error';
import {
  INVALID_TOKEN_CHALLENGE,
  req,
  SESSION_ID,
  SESSION_METHODS,
  signingKey,
  startGateway,
  type TestGateway,
  USER,
} from '../testing/gateway-harness';
import { accessTokenClaims, signAccessToken } from '@nestjs-microservices/nest-auth/testing';

describe('session routes forward the caller’s token, and revoke at once what the auth service ended', () => {
  let gateway: TestGateway;
  const inject = (...args: Parameters<typeof req>) => gateway.app.inject(req(...args));

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(() => gateway.app.close());

  beforeEach(() => {
    for (const name of SESSION_METHODS) gateway.auth[name].mockClear();
  });

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

  it('POST /auth/refresh → 401 REFRESH_TOKEN_REUSED in the standard shape; the ended session is refused by the next request', async () => {
    const claims = accessTokenClaims();
    const token = signAccessToken(signingKey, claims);
    expect((await me(token)).statusCode).toBe(200);
    gateway.auth.refresh.mockRejectedValueOnce(
      new ApiError(
        'REFRESH_TOKEN_REUSED',
        ERROR_MESSAGES.REFRESH_TOKEN_REUSED,
        undefined,
        undefined,
        ended(claims.sid).revoked,
      ),
    );

    const response = await inject('POST', '/api/auth/refresh', { body: { refreshToken: 'r'.repeat(43) } });

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({
      statusCode: 401,
      code: 'REFRESH_TOKEN_REUSED',
      message: ERROR_MESSAGES.REFRESH_TOKEN_REUSED,
    });
    expect(response.body).not.toContain(claims.sid);
    const after = await me(token);
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ code: 'SESSION_REVOKED' });
  });

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
