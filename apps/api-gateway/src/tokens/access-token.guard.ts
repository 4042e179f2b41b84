import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { AccessTokenError, SigningKeysUnavailableError, type VerifyAccessToken } from '@nestjs-microservices/runtime';
import { type AccessTokenClaims, ERROR_CODES, ERROR_MESSAGES, type ErrorCode } from '@nestjs-microservices/shared';
import { ApiError } from '../common/api-error';
import type { AuthenticatedRequest } from './principal';
import { isPublicRoute } from './public.decorator';
import { RevocationList } from './revocation-list';
import { SigningKeysService } from './signing-keys.service';
import { VERIFY_ACCESS_TOKEN } from './verify-access-token';

/** `Bearer <token>`, the scheme in any letter case (RFC 9110 §11.1). */
const BEARER = /^bearer +(\S+) *$/i;
/** Reasons come from the verifier and may quote header values the client chose: keep log lines short. */
const MAX_REASON_LENGTH = 200;

/**
 * Every route needs a valid access token unless it is `@Public()`: signed by a key of `auth.jwks`, with
 * the right type, issuer and audience, unexpired, and of a session that is not on the revocation list.
 * The verified caller becomes `request.principal` (`@Principal()`).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  private readonly logger = new Logger(AccessTokenGuard.name);

  constructor(
    @Inject(VERIFY_ACCESS_TOKEN) private readonly verify: VerifyAccessToken,
    private readonly keys: SigningKeysService,
    private readonly revocations: RevocationList,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || isPublicRoute(context)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) throw this.reject(request, ERROR_CODES.AUTHENTICATION_REQUIRED, 'no bearer token');
    const claims = await this.verified(request, token);
    if (this.revocations.isRevoked(claims.sid)) {
      throw this.reject(request, ERROR_CODES.SESSION_REVOKED, `session ${claims.sid} is revoked`);
    }
    request.principal = {
      userId: claims.sub,
      username: claims.username,
      sessionId: claims.sid,
      accessToken: token,
      expiresAt: new Date(claims.exp * 1_000),
    };
    return true;
  }

  private async verified(request: AuthenticatedRequest, token: string): Promise<AccessTokenClaims> {
    try {
      // Checked before verifying: the verifier would cache this failure against the token.
      await this.keys.ensureLoaded();
      return await this.verify(token);
    } catch (error) {
      if (error instanceof AccessTokenError) throw this.reject(request, error.code, error.reason);
      if (error instanceof SigningKeysUnavailableError) {
        this.logger.warn(`Cannot verify access tokens: ${error.message}`);
        throw new ApiError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE);
      }
      throw error;
    }
  }

  private reject(
    request: AuthenticatedRequest,
    code: Extract<ErrorCode, 'AUTHENTICATION_REQUIRED' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'SESSION_REVOKED'>,
    reason: string,
  ): ApiError {
    // A missing or expired token is routine; a forged one or a revoked session is worth a warning.
    const routine = code === ERROR_CODES.AUTHENTICATION_REQUIRED || code === ERROR_CODES.TOKEN_EXPIRED;
    const entry = {
      event: 'access_token.rejected',
      code,
      reason: reason.slice(0, MAX_REASON_LENGTH),
      clientIp: request.ip,
    };
    if (routine) this.logger.debug(entry, 'access_token.rejected');
    else this.logger.warn({ audit: true, ...entry }, 'access_token.rejected');
    return new ApiError(code, ERROR_MESSAGES[code]);
  }
}
