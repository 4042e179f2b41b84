import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { TOKEN_ERROR_STATUS } from '../contract/token-errors';
import { attachPrincipal } from './principal';
import { isPublicRoute } from './public.decorator';
import { TokenAuthException } from './token-auth.errors';
import { TokenAuthenticator } from './token-authenticator';

/** `Bearer <token>`, the scheme in any letter case (RFC 9110 §11.1). */
const BEARER = /^bearer +(\S+) *$/i;

/** What the guard reads of an HTTP request, the same on Express and Fastify. */
interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  /** Fastify's request id (a string); Express has none unless middleware sets one. */
  id?: unknown;
}

/** An Express response or a Fastify reply: both set a header with `header(name, value)`. */
interface HttpResponseLike {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

/**
 * Every route and message handler needs a valid access token unless it is `@Public()`. Over HTTP the token comes
 * as `Authorization: Bearer <token>`; in a `@MessagePattern` handler as the payload's `accessToken` field. The
 * verified caller is what `@CurrentUser()` gives. A refused HTTP request gets `{ statusCode, code, message }` and a
 * `WWW-Authenticate` challenge; a refused message an `RpcException({ status, code, message })`.
 */
@Injectable()
export class TokenAuthGuard implements CanActivate {
  constructor(@Inject(TokenAuthenticator) private readonly authenticator: TokenAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (isPublicRoute(context)) return true;
    switch (context.getType()) {
      case 'http':
        return this.http(context);
      case 'rpc':
        return this.rpc(context);
      default:
        // WebSockets, GraphQL…: this guard does not know where their token is, so it lets nothing through (fail
        // closed, Nest's 403) rather than leave them open; mark such handlers @Public() and check them yourself.
        return false;
    }
  }

  private async http(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    const authorization = request.headers['authorization'];
    const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
    try {
      attachPrincipal(
        context,
        await this.authenticator.authenticate(
          token,
          request.ip,
          typeof request.id === 'string' ? request.id : undefined,
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof TokenAuthException && error.challenge !== undefined) {
        const response = context.switchToHttp().getResponse<HttpResponseLike>();
        if (typeof response.header === 'function') response.header('www-authenticate', error.challenge);
        else response.setHeader?.('www-authenticate', error.challenge);
      }
      throw error;
    }
  }

  private async rpc(context: ExecutionContext): Promise<boolean> {
    const data = context.switchToRpc().getData<unknown>();
    const field =
      typeof data === 'object' && data !== null ? (data as { accessToken?: unknown }).accessToken : undefined;
    const token = typeof field === 'string' && field.length > 0 ? field : undefined;
    try {
      attachPrincipal(context, await this.authenticator.authenticate(token, undefined));
      return true;
    } catch (error) {
      if (!(error instanceof TokenAuthException)) throw error;
      // Only a service with message handlers has @nestjs/microservices, so it is loaded only here.
      const { RpcException } = await import('@nestjs/microservices');
      throw new RpcException({ status: TOKEN_ERROR_STATUS[error.code], code: error.code, message: error.message });
    }
  }
}
