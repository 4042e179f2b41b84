import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { principalOf, type TokenPrincipal } from '@nestjs-microservices/nest-auth';

/** Who the verified access token says is calling (set by the package's `TokenAuthGuard`), with the token itself. */
export type Principal = TokenPrincipal;

/** The caller of a protected route. On a `@Public()` route there is none: a bug, answered 500. */
export const Principal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = principalOf(context);
  if (!principal) throw new Error('@Principal() used on a route that TokenAuthGuard does not protect');
  return principal;
});
