import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { TOKEN_ERROR_MESSAGES, TOKEN_ERROR_STATUS } from '../contract/token-errors';
import { principalOf } from './principal';
import { requiredRolesOf } from './roles.decorator';
import { TokenAuthException } from './token-auth.errors';

/**
 * Enforces `@Roles(...)`: runs after `TokenAuthGuard` (which has put the verified caller on the request) and lets
 * through a caller holding at least one of the roles. A handler without `@Roles()` is not its business. Refused:
 * 403 FORBIDDEN over HTTP (with `WWW-Authenticate: Bearer error="insufficient_scope"`), `RpcException` in a message
 * handler. `TokenAuthModule` registers it as a global guard after the token guard.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  private readonly logger = new Logger('RolesGuard');

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = requiredRolesOf(context);
    if (required === undefined) return true;
    const principal = principalOf(context);
    if (principal && required.some((role) => principal.roles.includes(role))) return true;
    this.logger.warn(
      {
        audit: true,
        event: 'access.forbidden',
        userId: principal?.userId,
        required,
        handler: context.getHandler().name,
      },
      'access.forbidden',
    );
    if (context.getType() === 'rpc') {
      const { RpcException } = await import('@nestjs/microservices');
      throw new RpcException({
        status: TOKEN_ERROR_STATUS.FORBIDDEN,
        code: 'FORBIDDEN',
        message: TOKEN_ERROR_MESSAGES.FORBIDDEN,
      });
    }
    const refusal = new TokenAuthException('FORBIDDEN');
    if (context.getType() === 'http' && refusal.challenge !== undefined) {
      const response = context.switchToHttp().getResponse<{
        header?: (name: string, value: string) => unknown;
        setHeader?: (name: string, value: string) => unknown;
      }>();
      if (typeof response.header === 'function') response.header('www-authenticate', refusal.challenge);
      else response.setHeader?.('www-authenticate', refusal.challenge);
    }
    throw refusal;
  }
}
