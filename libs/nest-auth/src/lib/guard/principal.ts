import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who the verified access token says is calling: what `@CurrentUser()` gives. */
export interface AuthenticatedUser {
  userId: string;
  username: string;
  sessionId: string;
  /** The roles the token carries (none for a token without the claim). */
  roles: readonly string[];
  /** The account's address when the token carries one (claims `email`, `email_verified`). */
  email?: string;
  emailVerified?: boolean;
}

/** The caller with the token itself, for a service that forwards it (never log `accessToken`). */
export interface TokenPrincipal extends AuthenticatedUser {
  accessToken: string;
  expiresAt: Date;
  /** When the user last proved their password (`auth_time`); undefined for a token without the claim. */
  authTime?: Date;
}

/** An HTTP request (Express or Fastify) once the guard has let it through. */
export interface PrincipalCarrier {
  principal?: TokenPrincipal;
}

/** Message handlers have no request: their callers are kept by the payload object and the transport context. */
const rpcPrincipals = new WeakMap<object, TokenPrincipal>();

export function attachPrincipal(context: ExecutionContext, principal: TokenPrincipal): void {
  if (context.getType() === 'http') {
    context.switchToHttp().getRequest<PrincipalCarrier>().principal = principal;
    return;
  }
  for (const carrier of [context.switchToRpc().getData<unknown>(), context.switchToRpc().getContext<unknown>()]) {
    if (typeof carrier === 'object' && carrier !== null) rpcPrincipals.set(carrier, principal);
  }
}

/** The verified caller of the request or message being handled; `undefined` on a `@Public()` one. */
export function principalOf(context: ExecutionContext): TokenPrincipal | undefined {
  if (context.getType() === 'http') return context.switchToHttp().getRequest<PrincipalCarrier>().principal;
  for (const carrier of [context.switchToRpc().getData<unknown>(), context.switchToRpc().getContext<unknown>()]) {
    const principal = typeof carrier === 'object' && carrier !== null ? rpcPrincipals.get(carrier) : undefined;
    if (principal) return principal;
  }
  return undefined;
}

/** `{ userId, username, sessionId, roles }` of the caller. On a `@Public()` handler there is none: a bug, answered 500. */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedUser => {
  const principal = principalOf(context);
  if (!principal) throw new Error('@CurrentUser() used on a handler that TokenAuthGuard does not protect');
  const { userId, username, sessionId, roles } = principal;
  return { userId, username, sessionId, roles };
});
