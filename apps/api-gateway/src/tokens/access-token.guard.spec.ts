import { createHmac, createPublicKey } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ERROR_MESSAGES, type JwksResponse } from '@nestjs-microservices/shared';
import { Registry } from 'prom-client';
import type { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { RevocationMetrics } from '../metrics/revocation.metrics';
import { accessTokenClaims, jws, newSigningKey, signAccessToken } from '../testing/signed-tokens';
import { AccessTokenGuard } from './access-token.guard';
import type { AuthenticatedRequest } from './principal';
import { Public } from './public.decorator';
import { RevocationList } from './revocation-list';
import { SigningKeysService } from './signing-keys.service';
import { gatewayTokenVerifier } from './verify-access-token';

class Routes {
  @Public()
  open(): void {
    // a public route
  }

  guarded(): void {
    // a protected route
  }
}

@Public()
class PublicController {
  anything(): void {
    // every route of a public controller
  }
}

const signingKey = newSigningKey();
const foreignKey = newSigningKey(signingKey.kid);
const now = () => Math.floor(Date.now() / 1_000);

interface Setup {
  guard: AccessTokenGuard;
  revocations: RevocationList;
  jwks: jest.Mock<Promise<JwksResponse>>;
}

/** The real guard, verifier, keys cache and list; only the transport (`AuthClient.jwks`) is faked. */
function setup(env: Record<string, string> = {}, jwks = jest.fn(() => Promise.resolve({ keys: [signingKey.jwk] }))) {
  const config = new GatewayConfig(gatewayEnvSchema.parse(env));
  const keys = new SigningKeysService({ jwks } as unknown as AuthClient, config);
  const revocations = new RevocationList(config, new RevocationMetrics(new Registry()));
  const guard = new AccessTokenGuard(gatewayTokenVerifier(config, keys), keys, revocations);
  return { guard, revocations, jwks } satisfies Setup;
}

function requestWith(authorization?: string): AuthenticatedRequest {
  return { headers: authorization === undefined ? {} : { authorization }, ip: '192.0.2.7' } as AuthenticatedRequest;
}

function contextFor(request: AuthenticatedRequest, handler = Routes.prototype.guarded, type: object = Routes) {
  return new ExecutionContextHost([request, {}], type as never, handler);
}

/** The code of the ApiError the guard refused with (or 'passed'). */
async function outcome(guard: AccessTokenGuard, request: AuthenticatedRequest): Promise<string> {
  try {
    await guard.canActivate(contextFor(request));
    return 'passed';
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

const bearer = (token: string) => requestWith(`Bearer ${token}`);

describe('AccessTokenGuard', () => {
  let logs: jest.SpyInstance[];

  beforeEach(() => {
    logs = (['debug', 'warn', 'log', 'error'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined),
    );
  });

  afterEach(() => jest.restoreAllMocks());

  describe('a valid token', () => {
    it('passes and puts the principal on the request', async () => {
      const { guard } = setup();
      const claims = accessTokenClaims();
      const token = signAccessToken(signingKey, claims);
      const request = bearer(token);

      await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
      expect(request.principal).toEqual({
        userId: claims.sub,
        username: claims.username,
        sessionId: claims.sid,
        accessToken: token,
        expiresAt: new Date(claims.exp * 1_000),
      });
    });

    it.each(['bearer', 'BEARER', 'BeArEr'])('takes the scheme in any letter case (%s)', async (scheme) => {
      const { guard } = setup();

      await expect(outcome(guard, requestWith(`${scheme} ${signAccessToken(signingKey)}`))).resolves.toBe('passed');
    });

    it('passes a token that expired within the clock tolerance', async () => {
      const { guard } = setup();
      const token = signAccessToken(signingKey, accessTokenClaims({ iat: now() - 900, exp: now() - 5 }));

      await expect(outcome(guard, bearer(token))).resolves.toBe('passed');
    });

    it('verifies against the keys fetched once, not per request', async () => {
      const { guard, jwks } = setup();
      for (let i = 0; i < 3; i += 1) {
        await expect(outcome(guard, bearer(signAccessToken(signingKey)))).resolves.toBe('passed');
      }

      expect(jwks).toHaveBeenCalledTimes(1);
    });
  });

  describe('no usable Authorization header → AUTHENTICATION_REQUIRED', () => {
    it.each([
      ['no header', undefined],
      ['an empty header', ''],
      ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
      ['the scheme alone', 'Bearer'],
      ['the scheme and a space', 'Bearer '],
      ['the token without a scheme', 'eyJhbGciOiJFZERTQSJ9.e30.c2ln'],
    ])('%s', async (_label, header) => {
      const { guard, jwks } = setup();

      await expect(outcome(guard, requestWith(header))).resolves.toBe('AUTHENTICATION_REQUIRED');
      expect(jwks).not.toHaveBeenCalled();
    });
  });

  describe('a forged or foreign token → INVALID_TOKEN', () => {
    const genuine = () => signAccessToken(signingKey);
    const [header = '', payload = '', signature = ''] = genuine().split('.');
    const claims = accessTokenClaims();

    it.each<[string, () => string]>([
      [
        'a tampered signature',
        () => `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`,
      ],
      [
        'a changed claim under the original signature',
        () => {
          const token = genuine();
          const [h, , s] = token.split('.');
          const changed = Buffer.from(JSON.stringify({ ...claims, username: 'mallory' })).toString('base64url');
          return `${h}.${changed}.${s}`;
        },
      ],
      ['alg none, no signature', () => jws({ alg: 'none', typ: 'at+jwt', kid: signingKey.kid }, claims)],
      ['alg none, no kid', () => jws({ alg: 'none', typ: 'at+jwt' }, claims)],
      [
        'HS256 keyed with the public key (algorithm confusion)',
        () => {
          const pem = createPublicKey({ key: { ...signingKey.jwk }, format: 'jwk' }).export({
            type: 'spki',
            format: 'pem',
          });
          const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt', kid: signingKey.kid })).toString(
            'base64url',
          );
          const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
          const mac = createHmac('sha256', pem).update(`${head}.${body}`).digest('base64url');
          return `${head}.${body}.${mac}`;
        },
      ],
      ['a foreign key under the real kid', () => signAccessToken(foreignKey, claims)],
      ['a foreign key under an unknown kid', () => signAccessToken(newSigningKey('not-a-known-kid'), claims)],
      ['no kid', () => signAccessToken(signingKey, claims, { kid: undefined })],
      ['another audience', () => signAccessToken(signingKey, accessTokenClaims({ aud: 'urn:other:api' }))],
      ['another issuer', () => signAccessToken(signingKey, accessTokenClaims({ iss: 'urn:other:auth' }))],
      ['typ JWT', () => signAccessToken(signingKey, claims, { typ: 'JWT' })],
      ['no typ', () => signAccessToken(signingKey, claims, { typ: undefined })],
      ['no sid', () => signAccessToken(signingKey, { ...claims, sid: undefined })],
      ['issued 5 minutes in the future', () => signAccessToken(signingKey, accessTokenClaims({ iat: now() + 300 }))],
      ['not a JWT at all', () => 'not.a-jwt'],
      ['too long', () => `${genuine()}${'A'.repeat(5_000)}`],
    ])('%s', async (_label, forge) => {
      const { guard } = setup();

      await expect(outcome(guard, bearer(forge()))).resolves.toBe('INVALID_TOKEN');
    });

    it('an unknown kid makes one refetch of the keys (cooldown permitting), then refuses', async () => {
      const { guard, jwks } = setup();
      await outcome(guard, bearer(genuine()));

      await expect(outcome(guard, bearer(signAccessToken(newSigningKey('kid-2'), claims)))).resolves.toBe(
        'INVALID_TOKEN',
      );
      await expect(outcome(guard, bearer(signAccessToken(newSigningKey('kid-3'), claims)))).resolves.toBe(
        'INVALID_TOKEN',
      );
      expect(jwks).toHaveBeenCalledTimes(1); // the first request's fetch started the cooldown
    });

    it('accepts a token of a key the auth service has just started to sign with, after one refetch', async () => {
      const next = newSigningKey('kid-next');
      const jwks = jest
        .fn<Promise<JwksResponse>, []>()
        .mockResolvedValueOnce({ keys: [signingKey.jwk] })
        .mockResolvedValue({ keys: [signingKey.jwk, next.jwk] });
      const { guard } = setup({ JWKS_REFETCH_COOLDOWN: '100ms' }, jwks);
      await outcome(guard, bearer(genuine()));
      await new Promise((resolve) => setTimeout(resolve, 120));

      await expect(outcome(guard, bearer(signAccessToken(next)))).resolves.toBe('passed');
      expect(jwks).toHaveBeenCalledTimes(2);
    });
  });

  it('an expired token (beyond the tolerance) → TOKEN_EXPIRED', async () => {
    const { guard } = setup();
    const token = signAccessToken(signingKey, accessTokenClaims({ iat: now() - 1_000, exp: now() - 120 }));

    await expect(outcome(guard, bearer(token))).resolves.toBe('TOKEN_EXPIRED');
  });

  it('a valid token of a revoked session → SESSION_REVOKED; other sessions pass', async () => {
    const { guard, revocations } = setup();
    const revoked = accessTokenClaims();
    revocations.add([{ sessionId: revoked.sid, until: new Date(Date.now() + 60_000).toISOString() }]);

    await expect(outcome(guard, bearer(signAccessToken(signingKey, revoked)))).resolves.toBe('SESSION_REVOKED');
    await expect(outcome(guard, bearer(signAccessToken(signingKey)))).resolves.toBe('passed');
  });

  it('a revoked session is refused even when its token is in the verified-token cache', async () => {
    const { guard, revocations } = setup({ VERIFIED_TOKEN_CACHE_SIZE: '100' });
    const claims = accessTokenClaims();
    const token = signAccessToken(signingKey, claims);
    await expect(outcome(guard, bearer(token))).resolves.toBe('passed');

    revocations.add([{ sessionId: claims.sid, until: new Date(Date.now() + 60_000).toISOString() }]);

    await expect(outcome(guard, bearer(token))).resolves.toBe('SESSION_REVOKED');
  });

  describe('public routes', () => {
    it.each([
      ['a @Public() handler', Routes.prototype.open, Routes],
      ['a handler of a @Public() controller', PublicController.prototype.anything, PublicController],
    ])('%s passes without a token, and without verifying one', async (_label, handler, type) => {
      const { guard, jwks } = setup();
      const request = requestWith('Bearer garbage');

      await expect(guard.canActivate(contextFor(request, handler, type))).resolves.toBe(true);
      expect(request.principal).toBeUndefined();
      expect(jwks).not.toHaveBeenCalled();
    });
  });

  describe('no signing key known', () => {
    it('→ 503 AUTH_UNAVAILABLE while the auth service cannot give any; passes once it can', async () => {
      const jwks = jest
        .fn<Promise<JwksResponse>, []>()
        .mockRejectedValueOnce(new ApiError('AUTH_UNAVAILABLE', ERROR_MESSAGES.AUTH_UNAVAILABLE))
        .mockResolvedValue({ keys: [signingKey.jwk] });
      const { guard } = setup({ JWKS_REFETCH_COOLDOWN: '100ms', VERIFIED_TOKEN_CACHE_SIZE: '100' }, jwks);
      const token = signAccessToken(signingKey);

      const refusal = await guard.canActivate(contextFor(bearer(token))).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ApiError);
      expect((refusal as ApiError).toBody()).toEqual({
        statusCode: 503,
        code: 'AUTH_UNAVAILABLE',
        message: ERROR_MESSAGES.AUTH_UNAVAILABLE,
      });
      // Within the cooldown: no second call, still 503.
      await expect(outcome(guard, bearer(token))).resolves.toBe('AUTH_UNAVAILABLE');
      expect(jwks).toHaveBeenCalledTimes(1);

      await new Promise((resolve) => setTimeout(resolve, 120));
      // The same token passes: the 503 was not remembered against it.
      await expect(outcome(guard, bearer(token))).resolves.toBe('passed');
    });
  });

  it('logs why a token was refused, never the token', async () => {
    const { guard } = setup();
    const tokens = [
      signAccessToken(foreignKey),
      signAccessToken(signingKey, accessTokenClaims({ iat: now() - 1_000, exp: now() - 120 })),
      jws({ alg: 'none' }, accessTokenClaims()),
    ];
    for (const token of tokens) await outcome(guard, bearer(token));

    const lines = JSON.stringify(logs.flatMap((spy) => spy.mock.calls));
    expect(lines).toContain('access_token.rejected');
    expect(lines).toContain('INVALID_TOKEN');
    expect(lines).toContain('TOKEN_EXPIRED');
    for (const token of tokens) {
      for (const part of token.split('.').filter((segment) => segment.length > 8)) expect(lines).not.toContain(part);
    }
  });
});
