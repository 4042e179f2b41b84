import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ROLE_PATTERN } from '../contract/access-token';
import { routeMetadata } from './route-metadata';

export const REQUIRED_ROLES = 'auth:roles';

/**
 * Lets a route or message handler (or every one of a controller) through only for a caller whose access token
 * carries at least one of `roles` (its `roles` claim); others get 403 FORBIDDEN. A handler's own `@Roles()` replaces
 * its controller's. Needs the token guard (so not on a `@Public()` handler: that answers 403 to everyone).
 */
export const Roles = (...roles: string[]): MethodDecorator & ClassDecorator => {
  const invalid = roles.filter((role) => !ROLE_PATTERN.test(role));
  if (roles.length === 0 || invalid.length > 0) {
    throw new Error(`@Roles() needs role names matching ${String(ROLE_PATTERN)}; got ${JSON.stringify(roles)}`);
  }
  return SetMetadata(REQUIRED_ROLES, roles);
};

/** The roles the handler being served requires (any one of them), or undefined when it has no `@Roles()`. */
export const requiredRolesOf: (context: ExecutionContext) => readonly string[] | undefined =
  routeMetadata<readonly string[]>(REQUIRED_ROLES);
