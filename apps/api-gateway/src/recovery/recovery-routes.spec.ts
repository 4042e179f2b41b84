import { PASSWORD_RESET_ACCEPTED_MESSAGE } from '@nestjs-microservices/shared';
import { accessTokenClaims, signAccessToken } from '@nestjs-microservices/nest-auth/testing';
import { req, signingKey, startGateway, type TestGateway, USER } from '../testing/gateway-harness';

const TOKEN = 'x'.repeat(43);
const PASSWORD = 'Brand-New-Secret-Tulip-58';

describe('recovery routes: email, verification, password reset, account deletion', () => {
  let gateway: TestGateway;
  const inject = (...args: Parameters<typeof req>) => gateway.app.inject(req(...args));
  const ended = (sessionId: string) => ({
    revoked: [{ sessionId, until: new Date(Date.now() + 900_000).toISOString() }],
  });

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(() => gateway.app.close());

  it('POST /auth/password/forgot → 202 with the one body, forwarding the normalised address', async () => {
    gateway.auth.forgotPassword.mockResolvedValueOnce({ message: PASSWORD_RESET_ACCEPTED_MESSAGE });

    const response = await inject('POST', '/api/auth/password/forgot', { body: { email: ' Alice@Example.COM ' } });

    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ message: PASSWORD_RESET_ACCEPTED_MESSAGE });
    expect(gateway.auth.forgotPassword).toHaveBeenCalledWith({ email: 'Alice@example.com' }, expect.anything());
  });

  it.each([
    ['neither email nor username', {}],
    ['a malformed address', { email: 'not an address' }],
    ['an unknown field', { username: 'alice', admin: true }],
  ])('POST /auth/password/forgot with %s → 400 VALIDATION_FAILED, never reaching the auth service', async (_, body) => {
    gateway.auth.forgotPassword.mockClear();

    const response = await inject('POST', '/api/auth/password/forgot', { body });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(gateway.auth.forgotPassword).not.toHaveBeenCalled();
  });

  it('POST /auth/password/reset → 204, and every session it ended is refused here at once', async () => {
    const claims = accessTokenClaims();
    const token = signAccessToken(signingKey, claims);
    expect((await inject('GET', '/api/auth/me', { token })).statusCode).toBe(200);
    gateway.auth.resetPassword.mockResolvedValueOnce(ended(claims.sid));

    const response = await inject('POST', '/api/auth/password/reset', {
      body: { token: TOKEN, newPassword: PASSWORD },
    });

    expect(response.statusCode).toBe(204);
    expect(gateway.auth.resetPassword).toHaveBeenCalledWith({ token: TOKEN, newPassword: PASSWORD }, expect.anything());
    expect((await inject('GET', '/api/auth/me', { token })).json()).toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('POST /auth/password/reset with a common password → 400 before the auth service', async () => {
    gateway.auth.resetPassword.mockClear();

    const response = await inject('POST', '/api/auth/password/reset', {
      body: { token: TOKEN, newPassword: 'password123' },
    });

    expect(response.statusCode).toBe(400);
    expect(gateway.auth.resetPassword).not.toHaveBeenCalled();
  });

  it('POST /auth/email/verify → 200 with the user', async () => {
    const verified = { ...USER, email: 'alice@example.com', emailVerified: true };
    gateway.auth.verifyEmail.mockResolvedValueOnce(verified);

    const response = await inject('POST', '/api/auth/email/verify', { body: { token: TOKEN } });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(verified);
  });

  it('POST /auth/email needs a token, then forwards it with the body → 202', async () => {
    expect(
      (await inject('POST', '/api/auth/email', { body: { email: 'a@example.org', currentPassword: 'x' } })).statusCode,
    ).toBe(401);
    const claims = accessTokenClaims();
    const token = signAccessToken(signingKey, claims);
    gateway.auth.changeEmail.mockResolvedValueOnce({ message: 'sent' });

    const response = await inject('POST', '/api/auth/email', {
      token,
      body: { email: 'a@Example.org', currentPassword: 'x' },
    });

    expect(response.statusCode).toBe(202);
    expect(gateway.auth.changeEmail).toHaveBeenCalledWith(
      { email: 'a@example.org', currentPassword: 'x', accessToken: token },
      expect.anything(),
    );
  });

  it('DELETE /auth/account → 204, and the ended sessions are refused here at once', async () => {
    const claims = accessTokenClaims();
    const token = signAccessToken(signingKey, claims);
    gateway.auth.deleteAccount.mockResolvedValueOnce(ended(claims.sid));

    const response = await inject('DELETE', '/api/auth/account', { token, body: { currentPassword: 'x' } });

    expect(response.statusCode).toBe(204);
    expect(gateway.auth.deleteAccount).toHaveBeenCalledWith(
      { currentPassword: 'x', accessToken: token },
      expect.anything(),
    );
    expect((await inject('GET', '/api/auth/me', { token })).json()).toMatchObject({ code: 'SESSION_REVOKED' });
  });
});
