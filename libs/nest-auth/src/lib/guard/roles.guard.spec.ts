import { Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RpcException } from '@nestjs/microservices';
import { accessTokenClaims, newSigningKey, signAccessToken } from '../../testing/signed-tokens';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER } from '../contract/access-token';
import { SigningKeySet } from '../keys/signing-key-set';
import { RevokedSessions } from '../revocations/revoked-sessions';
import { createAccessTokenVerifier } from '../verifier/access-token-verifier';
import { Roles } from './roles.decorator';
import { RolesGuard } from './roles.guard';
import { TokenAuthException } from './token-auth.errors';
import { TokenAuthGuard } from './token-auth.guard';
import { TokenAuthenticator } from './token-authenticator';

@Roles('admin')
class AdminRoutes {
  everyone(): void {
    // inherits the controller's @Roles('admin')
  }

  @Roles('auditor', 'admin')
  auditorsToo(): void {
    // any one of two roles
  }
}

class OpenRoutes {
  anyCaller(): void {
    // no @Roles(): any authenticated caller
  }
}

const key = newSigningKey();
const keys = new SigningKeySet({
  fetchJwks: () => Promise.resolve({ keys: [key.jwk] }),
  refreshIntervalMs: 60_000,
  refetchCooldownMs: 5_000,
});
const tokenGuard = new TokenAuthGuard(
  new TokenAuthenticator(
    createAccessTokenVerifier({
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
      clockToleranceSeconds: 30,
      accessTtlMs: 900_000,
      cacheSize: 100,
      resolveKey: (kid) => keys.resolveKey(kid),
    }),
    keys,
    new RevokedSessions(30_000),
  ),
);
const rolesGuard = new RolesGuard();

function http(token: string, type: object, handler: () => void) {
  const headers = { authorization: `Bearer ${token}` };
  const set = jest.fn();
  const context = new ExecutionContextHost([{ headers, ip: '192.0.2.1' }, { header: set }], type as never, handler);
  return { context, set };
}

/** Both global guards in their order: 'passed', or the code of the refusal. */
async function outcome(roles: string[] | undefined, type: object, handler: () => void): Promise<string> {
  const claims = accessTokenClaims(roles === undefined ? {} : { roles });
  const { context } = http(signAccessToken(key, claims), type, handler);
  try {
    await tokenGuard.canActivate(context);
    await rolesGuard.canActivate(context);
    return 'passed';
  } catch (error) {
    if (error instanceof TokenAuthException) return error.code;
    throw error;
  }
}

describe('@Roles() and RolesGuard', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('lets a caller holding the role through, and refuses others with FORBIDDEN', async () => {
    await expect(outcome(['admin'], AdminRoutes, AdminRoutes.prototype.everyone)).resolves.toBe('passed');
    await expect(outcome(['user', 'admin'], AdminRoutes, AdminRoutes.prototype.everyone)).resolves.toBe('passed');
    await expect(outcome(['auditor'], AdminRoutes, AdminRoutes.prototype.everyone)).resolves.toBe('FORBIDDEN');
    await expect(outcome([], AdminRoutes, AdminRoutes.prototype.everyone)).resolves.toBe('FORBIDDEN');
    // A token from before roles existed carries none.
    await expect(outcome(undefined, AdminRoutes, AdminRoutes.prototype.everyone)).resolves.toBe('FORBIDDEN');
  });

  it("takes any one of a handler's roles, the handler's list replacing the controller's", async () => {
    await expect(outcome(['auditor'], AdminRoutes, AdminRoutes.prototype.auditorsToo)).resolves.toBe('passed');
    await expect(outcome(['admin'], AdminRoutes, AdminRoutes.prototype.auditorsToo)).resolves.toBe('passed');
    await expect(outcome(['editor'], AdminRoutes, AdminRoutes.prototype.auditorsToo)).resolves.toBe('FORBIDDEN');
  });

  it('leaves a handler without @Roles() to the token guard alone', async () => {
    await expect(outcome([], OpenRoutes, OpenRoutes.prototype.anyCaller)).resolves.toBe('passed');
  });

  it('answers 403 with the error body and an insufficient_scope challenge over HTTP', async () => {
    const { context, set } = http(signAccessToken(key, accessTokenClaims({ roles: [] })), AdminRoutes, () => {
      // a handler
    });
    await tokenGuard.canActivate(context);
    const refusal = (await rolesGuard.canActivate(context).catch((error: unknown) => error)) as TokenAuthException;
    expect(refusal.getStatus()).toBe(403);
    expect(refusal.getResponse()).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: expect.any(String) });
    expect(set).toHaveBeenCalledWith('www-authenticate', expect.stringMatching(/^Bearer error="insufficient_scope"/));
  });

  it('refuses a message handler with an RpcException', async () => {
    const data = { accessToken: signAccessToken(key, accessTokenClaims({ roles: ['user'] })) };
    const context = new ExecutionContextHost([data, {}], AdminRoutes as never, AdminRoutes.prototype.everyone);
    context.setType('rpc');
    await tokenGuard.canActivate(context);
    const refusal = await rolesGuard.canActivate(context).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RpcException);
    expect((refusal as RpcException).getError()).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: expect.any(String),
    });
  });

  it('refuses role names that are not role names when the decorator is applied', () => {
    expect(() => Roles()).toThrow(/needs role names/);
    expect(() => Roles('Admin')).toThrow(/needs role names/);
    expect(() => Roles('admin', 'a b')).toThrow(/needs role names/);
  });

  it('refuses a token whose roles claim is not a list of role names', async () => {
    const bad = signAccessToken(key, { ...accessTokenClaims(), roles: ['admin', 'NOT A ROLE'] });
    const { context } = http(bad, OpenRoutes, OpenRoutes.prototype.anyCaller);
    await expect(tokenGuard.canActivate(context)).rejects.toMatchObject({ code: 'INVALID_TOKEN' });
  });
});
