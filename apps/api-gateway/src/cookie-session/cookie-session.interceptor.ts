import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import {
  AUTH_MODE_HEADER,
  COOKIE_AUTH_MODE,
  type CookieTokenResponse,
  ERROR_CODES,
  ERROR_MESSAGES,
  ERROR_STATUS,
  type TokenResponse,
} from '@nestjs-microservices/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, map, type Observable, throwError } from 'rxjs';
import { ApiError } from '../common/api-error';
import { GatewayConfig } from '../config/gateway-config';
import { clearedRefreshCookie, readRefreshCookie, refreshCookie } from './refresh-cookie';

/** What a route does with the refresh cookie: sets it (login), reads and rotates it (refresh), or clears it. */
type CookieRole = 'issue' | 'rotate' | 'clear';
const COOKIE_ROLE = Symbol('cookie-session-role');

/**
 * Cookie mode on a route: with `X-Auth-Mode: cookie` the refresh token travels in the HttpOnly cookie instead of
 * the body. Without the header the route is unchanged, except that a cookie must never authenticate it.
 */
export const CookieSession = (role: CookieRole): MethodDecorator =>
  applyDecorators(
    SetMetadata(COOKIE_ROLE, role),
    UseInterceptors(CookieSessionInterceptor),
    ApiHeader({
      name: 'X-Auth-Mode',
      required: false,
      enum: [COOKIE_AUTH_MODE],
      description:
        role === 'clear'
          ? 'Cookie mode: also deletes the refresh cookie.'
          : 'Cookie mode (browsers): the refresh token is ' +
            (role === 'issue' ? 'set in' : 'read from and rotated in') +
            ' an HttpOnly cookie and left out of the body. The `Origin`, if sent, must be one of `CORS_ORIGINS`.',
    }),
  );

function hasBodyToken(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'refreshToken' in body;
}

/**
 * CSRF: a browser attaches the cookie to any request, but only a script of an allowed origin can add a custom
 * header (it forces a CORS preflight), and browsers always send `Origin` on cross-origin POSTs.
 */
@Injectable()
export class CookieSessionInterceptor implements NestInterceptor {
  private readonly allowedOrigins: ReadonlySet<string>;

  constructor(
    private readonly reflector: Reflector,
    config: GatewayConfig,
  ) {
    this.allowedOrigins = new Set(config.http.corsOrigins);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const role = this.reflector.get<CookieRole | undefined>(COOKIE_ROLE, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const cookieMode = request.headers[AUTH_MODE_HEADER] === COOKIE_AUTH_MODE;
    if (cookieMode) this.checkOrigin(request);
    if (role === 'rotate') {
      const cookie = readRefreshCookie(request.headers.cookie);
      if (cookieMode) {
        if (!cookie) {
          if (cookie === '') void reply.header('set-cookie', clearedRefreshCookie());
          throw new ApiError(ERROR_CODES.INVALID_REFRESH_TOKEN, ERROR_MESSAGES.INVALID_REFRESH_TOKEN);
        }
        // The route validates and uses it as it would a body token.
        request.body = { refreshToken: cookie };
      } else if (cookie !== undefined && !hasBodyToken(request.body)) {
        throw csrfRejected();
      }
    }
    if (!cookieMode || role === undefined) return next.handle();
    return next.handle().pipe(
      map((result: unknown) => {
        if (role === 'clear') {
          void reply.header('set-cookie', clearedRefreshCookie());
          return result;
        }
        const { refreshToken, ...rest } = result as TokenResponse;
        void reply.header('set-cookie', refreshCookie(refreshToken, new Date(rest.refreshTokenExpiresAt)));
        return rest satisfies CookieTokenResponse;
      }),
      catchError((error: unknown) => {
        // A refresh token the auth service refused is of no use to the browser any more.
        if (role === 'rotate' && error instanceof ApiError && ERROR_STATUS[error.code] === 401) {
          void reply.header('set-cookie', clearedRefreshCookie());
        }
        return throwError(() => error);
      }),
    );
  }

  private checkOrigin(request: FastifyRequest): void {
    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowedOrigins.has(origin)) throw csrfRejected();
  }
}

function csrfRejected(): ApiError {
  return new ApiError(ERROR_CODES.CSRF_REJECTED, ERROR_MESSAGES.CSRF_REJECTED);
}
