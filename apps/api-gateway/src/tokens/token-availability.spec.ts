import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import {
  authUnavailable,
  fakeAuthClient,
  req,
  signingKey,
  startGateway,
  type TestGateway,
} from '../testing/gateway-harness';
import { signAccessToken } from '@nestjs-microservices/nest-auth/testing';

describe('the gateway with access tokens: guard order, and an auth service that is down', () => {
  let gateway: TestGateway | undefined;

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
    const down = authUnavailable;
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

    const down = authUnavailable;
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
