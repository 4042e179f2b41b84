import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Who the verified access token says is calling (set by `AccessTokenGuard`). */
export interface Principal {
  userId: string;
  username: string;
  sessionId: string;
  /** The raw token: forwarded to the auth service, which verifies it again before it acts. Never log it. */
  accessToken: string;
  expiresAt: Date;
}

export interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
}

/** The caller of a protected route. On a `@Public()` route there is none: a bug, answered 500. */
export const Principal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!principal) throw new Error('@Principal() used on a route that AccessTokenGuard does not protect');
  return principal;
});
