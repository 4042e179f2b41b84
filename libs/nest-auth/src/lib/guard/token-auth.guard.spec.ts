import { createHmac, createPublicKey } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RpcException } from '@nestjs/microservices';
import { accessTokenClaims, jws, newSigningKey, signAccessToken } from '../../testing/signed-tokens';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '../contract/access-token';
import type { JwksDocument as JwksResponse } from '../contract/jwks';
import { TOKEN_ERROR_MESSAGES as ERROR_MESSAGES } from '../contract/token-errors';
import { SigningKeySet } from '../keys/signing-key-set';
import { RevokedSessions } from '../revocations/revoked-sessions';
import { createAccessTokenVerifier } from '../verifier/access-token-verifier';
import { CurrentUser, type PrincipalCarrier, principalOf } from './principal';
import { Public } from './public.decorator';
import { TokenAuthException } from './token-auth.errors';
import { TokenAuthGuard } from './token-auth.guard';
import { TokenAuthenticator } from './token-authenticator';

type AuthenticatedRequest = PrincipalCarrier & { headers: Record<string, string>; ip: string };

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
  guard: TokenAuthGuard;
  revocations: RevokedSessions;
  jwks: jest.Mock<Promise<JwksResponse>>;
}

/**
 * The real guard, verifier, keys cache and list, with the platform's defaults (30 s tolerance, 15 min tokens, keys
 * refetched at most every 5 s, 10,000 verified tokens remembered); only the key source is faked.
 */
function setup(
  { cooldownMs = 5_000, cacheSize = 10_000 } = {},
  jwks = jest.fn(() => Promise.resolve({ keys: [signingKey.jwk] })),
) {
  const keys = new SigningKeySet({ fetchJwks: jwks, refreshIntervalMs: 60_000, refetchCooldownMs: cooldownMs });
  const revocations = new RevokedSessions(30_000);
  const verify = createAccessTokenVerifier({
    issuer: DEFAULT_TOKEN_ISSUER,
    audience: DEFAULT_TOKEN_AUDIENCE,
    clockToleranceSeconds: 30,
    accessTtlMs: 900_000,
    cacheSize,
    resolveKey: (kid) => keys.resolveKey(kid),
  });
  const guard = new TokenAuthGuard(new TokenAuthenticator(verify, keys, revocations));
  return { guard, revocations, jwks } satisfies Setup;
}

const revokeFor = (sessionId: string) => [{ sessionId, untilMs: Date.now() + 60_000 }];

function requestWith(authorization?: string): AuthenticatedRequest {
  return { headers: authorization === undefined ? {} : { authorization }, ip: '192.0.2.7' };
}

function contextFor(request: AuthenticatedRequest, handler = Routes.prototype.guarded, type: object = Routes) {
  return new ExecutionContextHost([request, {}], type as never, handler);
}

/** The code of the TokenAuthException the guard refused with (or 'passed'). */
async function outcome(guard: TokenAuthGuard, request: AuthenticatedRequest): Promise<string> {
  try {
    await guard.canActivate(contextFor(request));
    return 'passed';
  } catch (error) {
    if (error instanceof TokenAuthException) return error.code;
    throw error;
  }
}

const bearer = (token: string) => requestWith(`Bearer ${token}`);

describe('TokenAuthGuard', () => {
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
        roles: [],
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
      const { guard } = setup({ cooldownMs: 100 }, jwks);
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
    revocations.revoke(revokeFor(revoked.sid));

    await expect(outcome(guard, bearer(signAccessToken(signingKey, revoked)))).resolves.toBe('SESSION_REVOKED');
    await expect(outcome(guard, bearer(signAccessToken(signingKey)))).resolves.toBe('passed');
  });

  it('a revoked session is refused even when its token is in the verified-token cache', async () => {
    const { guard, revocations } = setup({ cacheSize: 100 });
    const claims = accessTokenClaims();
    const token = signAccessToken(signingKey, claims);
    await expect(outcome(guard, bearer(token))).resolves.toBe('passed');

    revocations.revoke(revokeFor(claims.sid));

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
        .mockRejectedValueOnce(new Error('unreachable'))
        .mockResolvedValue({ keys: [signingKey.jwk] });
      const { guard } = setup({ cooldownMs: 100, cacheSize: 100 }, jwks);
      const token = signAccessToken(signingKey);

      const refusal = await guard.canActivate(contextFor(bearer(token))).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(TokenAuthException);
      expect((refusal as TokenAuthException).getStatus()).toBe(503);
      expect((refusal as TokenAuthException).getResponse()).toEqual({
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

  describe('the WWW-Authenticate challenge, on an Express response and on a Fastify reply', () => {
    it.each([
      ['Express', (set: jest.Mock) => ({ setHeader: set })],
      ['Fastify', (set: jest.Mock) => ({ header: set })],
    ])('%s', async (_label, response) => {
      const { guard } = setup();
      for (const [request, challenge] of [
        [requestWith(), 'Bearer'],
        [bearer('not.a-jwt'), `Bearer error="invalid_token", error_description="${ERROR_MESSAGES.INVALID_TOKEN}"`],
      ] as const) {
        const set = jest.fn();
        const context = new ExecutionContextHost([request, response(set)], Routes as never, Routes.prototype.guarded);

        await expect(guard.canActivate(context)).rejects.toBeInstanceOf(TokenAuthException);
        expect(set).toHaveBeenCalledWith('www-authenticate', challenge);
      }
    });
  });

  describe("message handlers (@MessagePattern): the token is the payload's accessToken", () => {
    const rpcContext = (data: unknown, handler = Routes.prototype.guarded) => {
      const context = new ExecutionContextHost([data, { transport: 'test' }], Routes as never, handler);
      context.setType('rpc');
      return context;
    };

    it('passes a valid token, and @CurrentUser() gives its caller', async () => {
      const { guard } = setup();
      const claims = accessTokenClaims();
      const context = rpcContext({ accessToken: signAccessToken(signingKey, claims), text: 'hi' });

      await expect(guard.canActivate(context)).resolves.toBe(true);
      expect(principalOf(context)).toMatchObject({
        userId: claims.sub,
        username: claims.username,
        sessionId: claims.sid,
      });
      expect(CurrentUser).toBeDefined();
    });

    it.each<[string, unknown, string]>([
      ['no payload', undefined, 'AUTHENTICATION_REQUIRED'],
      ['no accessToken', { text: 'hi' }, 'AUTHENTICATION_REQUIRED'],
      ['a forged token', { accessToken: signAccessToken(foreignKey) }, 'INVALID_TOKEN'],
    ])('%s → RpcException', async (_label, data, code) => {
      const { guard } = setup();

      const refusal = await guard.canActivate(rpcContext(data)).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(RpcException);
      expect((refusal as RpcException).getError()).toEqual({ status: 401, code, message: expect.any(String) });
    });

    it('a revoked session → SESSION_REVOKED; a @Public() handler needs no token', async () => {
      const { guard, revocations } = setup();
      const claims = accessTokenClaims();
      revocations.revoke(revokeFor(claims.sid));

      const refusal = await guard
        .canActivate(rpcContext({ accessToken: signAccessToken(signingKey, claims) }))
        .catch((error: unknown) => error);
      expect((refusal as RpcException).getError()).toMatchObject({ code: 'SESSION_REVOKED' });
      await expect(guard.canActivate(rpcContext({}, Routes.prototype.open))).resolves.toBe(true);
    });
  });

  it('lets nothing through on a transport it cannot read a token from (fails closed), unless @Public()', async () => {
    const { guard } = setup();
    const context = (handler: () => void) => {
      const host = new ExecutionContextHost([{}, {}], Routes as never, handler);
      host.setType('ws');
      return host;
    };

    await expect(guard.canActivate(context(Routes.prototype.guarded))).resolves.toBe(false);
    await expect(guard.canActivate(context(Routes.prototype.open))).resolves.toBe(true);
  });
});
