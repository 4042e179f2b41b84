import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_CODES, ERROR_MESSAGES, isRpcErrorBody, rpcError, type RpcErrorBody } from '@nestjs-microservices/shared';
import { type Observable, throwError } from 'rxjs';
import { isDatabaseUnavailable } from '../database/database-errors';

/**
 * Everything that leaves a handler as an error leaves as a typed `RpcErrorBody`. A database that cannot be
 * reached is AUTH_UNAVAILABLE (503: try again shortly). Anything else is a bug: it is logged here, with its
 * stack, and the caller only learns INTERNAL_ERROR.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown): Observable<never> {
    const body = exception instanceof RpcException ? exception.getError() : undefined;
    if (isRpcErrorBody(body)) {
      return throwError(() => body satisfies RpcErrorBody);
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`Database unavailable: ${exception instanceof Error ? exception.message : String(exception)}`);
      const unavailable = {
        ...rpcError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE),
        retryAfterSeconds: 1,
      };
      return throwError(() => unavailable satisfies RpcErrorBody);
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : `Non-error thrown: ${String(exception)}`,
    );
    return throwError(() => rpcError(ERROR_CODES.INTERNAL_ERROR, ERROR_MESSAGES.INTERNAL_ERROR));
  }
}
