import { RpcException } from '@nestjs/microservices';
import { ERROR_MESSAGES, type FieldError, rpcError } from '@nestjs-microservices/shared';

/** The contract's error for `code`, with its standard message, as the exception a handler throws. */
export function rpcFailure(code: keyof typeof ERROR_MESSAGES, details?: FieldError[]): RpcException {
  return new RpcException(rpcError(code, ERROR_MESSAGES[code], details));
}
