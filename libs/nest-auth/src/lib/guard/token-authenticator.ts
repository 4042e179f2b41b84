import { Logger } from '@nestjs/common';
import type { AccessTokenClaims } from '../contract/access-token';
import type { TokenErrorCode } from '../contract/token-errors';
import {
  AccessTokenError,
  SigningKeysUnavailableError,
  type VerifyAccessToken,
} from '../verifier/access-token-verifier';
import type { TokenPrincipal } from './principal';
import { TokenAuthException } from './token-auth.errors';

/** Reasons come from the verifier and may quote header values the client chose: keep log lines short. */
const MAX_REASON_LENGTH = 200;

export interface SigningKeysLoader {
  /** Resolves once at least one key is known; throws `SigningKeysUnavailableError` when none can be had. */
  ensureLoaded(): Promise<void>;
}

export interface RevocationChecker {
  isRevoked(sessionId: string): boolean;
}

/**
 * The checks a token goes through, whatever carried it: signed by a known key, with the right type, issuer and
 * audience, unexpired (the verifier), and of a session that is not revoked. Used by `TokenAuthGuard`, in the gateway
 * and in every service of this package.
 */
/** Where a request came from, for the line logged when its token is refused. */
interface RequestOrigin {
  clientIp: string | undefined;
  requestId: string | undefined;
}

export class TokenAuthenticator {
  private readonly logger = new Logger('TokenAuthGuard');

  constructor(
    private readonly verify: VerifyAccessToken,
    private readonly keys: SigningKeysLoader,
    private readonly revocations: RevocationChecker,
  ) {}

  /**
   * The caller of `token` (`undefined`: none came); throws `TokenAuthException` when it is refused. `clientIp` and
   * `requestId` only go into the line logged for a refusal.
   */
  async authenticate(
    token: string | undefined,
    clientIp: string | undefined,
    requestId?: string,
  ): Promise<TokenPrincipal> {
    const from = { clientIp, requestId };
    if (token === undefined) throw this.reject('AUTHENTICATION_REQUIRED', 'no bearer token', from);
    const claims = await this.verified(token, from);
    if (this.revocations.isRevoked(claims.sid)) {
      throw this.reject('SESSION_REVOKED', `session ${claims.sid} is revoked`, from);
    }
    return {
      userId: claims.sub,
      username: claims.username,
      sessionId: claims.sid,
      roles: claims.roles ?? [],
      ...(typeof claims.email === 'string' && { email: claims.email, emailVerified: claims.email_verified === true }),
      accessToken: token,
      expiresAt: new Date(claims.exp * 1_000),
      ...(claims.auth_time !== undefined && { authTime: new Date(claims.auth_time * 1_000) }),
    };
  }

  private async verified(token: string, from: RequestOrigin): Promise<AccessTokenClaims> {
    try {
      // Checked before verifying: the verifier would cache this failure against the token.
      await this.keys.ensureLoaded();
      return await this.verify(token);
    } catch (error) {
      if (error instanceof AccessTokenError) throw this.reject(error.code, error.reason, from);
      if (error instanceof SigningKeysUnavailableError) {
        this.logger.warn({ requestId: from.requestId }, `Cannot verify access tokens: ${error.message}`);
        throw new TokenAuthException('AUTH_UNAVAILABLE');
      }
      throw error;
    }
  }

  private reject(code: TokenErrorCode, reason: string, { clientIp, requestId }: RequestOrigin): TokenAuthException {
    // A missing or expired token is routine; a forged one or a revoked session is worth a warning.
    const routine = code === 'AUTHENTICATION_REQUIRED' || code === 'TOKEN_EXPIRED';
    const entry = {
      event: 'access_token.rejected',
      code,
      reason: reason.slice(0, MAX_REASON_LENGTH),
      clientIp,
      ...(requestId !== undefined && { requestId }),
    };
    if (routine) this.logger.debug(entry, 'access_token.rejected');
    else this.logger.warn({ audit: true, ...entry }, 'access_token.rejected');
    return new TokenAuthException(code);
  }
}
