import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_CODES, ERROR_MESSAGES, isRpcErrorBody, rpcError, type RpcErrorBody } from '@nestjs-microservices/shared';
import { type Observable, throwError } from 'rxjs';

/**
 * Everything that leaves a handler as an error leaves as a typed `RpcErrorBody`. Anything else is a
 * bug: it is logged here, with its stack, and the caller only learns INTERNAL_ERROR.
 */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('RpcErrorFilter');

  catch(exception: unknown): Observable<never> {
    const body = exception instanceof RpcException ? exception.getError() : undefined;
    if (isRpcErrorBody(body)) {
      return throwError(() => body satisfies RpcErrorBody);
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : `Non-error thrown: ${String(exception)}`,
    );
    return throwError(() => rpcError(ERROR_CODES.INTERNAL_ERROR, ERROR_MESSAGES.INTERNAL_ERROR));
  }
}
