import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import {
  AUTH_PATTERNS,
  AUTH_SERVICE,
  type AuthRpcContract,
  ERROR_CODES,
  ERROR_MESSAGES,
  isRpcErrorBody,
  type LoginDto,
  type LoginResponse,
  type RequestMeta,
  type RpcRequest,
  type SignupDto,
  type UserResponse,
} from '@nestjs-microservices/shared';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { ApiError } from '../common/api-error';
import { GatewayConfig } from '../config/gateway-config';

type Pattern = keyof AuthRpcContract;

/**
 * Every call from the gateway to the auth service goes through here: each has a timeout, and
 * transport failures become 503/504 here and nowhere else.
 */
@Injectable()
export class AuthClient {
  private readonly logger = new Logger(AuthClient.name);
  private readonly timeoutMs: number;

  constructor(
    @Inject(AUTH_SERVICE) private readonly client: ClientProxy,
    config: GatewayConfig,
  ) {
    this.timeoutMs = config.auth.timeoutMs;
  }

  signup(dto: SignupDto, meta: RequestMeta): Promise<UserResponse> {
    return this.call(AUTH_PATTERNS.signup, dto, meta);
  }

  login(dto: LoginDto, meta: RequestMeta): Promise<LoginResponse> {
    return this.call(AUTH_PATTERNS.login, dto, meta);
  }

  private async call<P extends Pattern>(
    pattern: P,
    payload: AuthRpcContract[P]['request'],
    meta: RequestMeta,
  ): Promise<AuthRpcContract[P]['response']> {
    const request: RpcRequest<AuthRpcContract[P]['request']> = { meta, payload };
    try {
      return await lastValueFrom(
        this.client.send<AuthRpcContract[P]['response']>(pattern, request).pipe(timeout(this.timeoutMs)),
      );
    } catch (error) {
      throw this.toApiError(pattern, error);
    }
  }

  private toApiError(pattern: Pattern, error: unknown): ApiError {
    if (isRpcErrorBody(error)) {
      return new ApiError(error.code, error.message, error.details);
    }
    if (error instanceof TimeoutError) {
      this.logger.warn(`${pattern}: no answer within ${this.timeoutMs} ms`);
      return new ApiError(ERROR_CODES.UPSTREAM_TIMEOUT, ERROR_MESSAGES.UPSTREAM_TIMEOUT);
    }
    if (error instanceof Error) {
      // Connection refused, reset or closed while waiting: the service is not there.
      this.logger.warn(`${pattern}: auth service unavailable (${error.message})`);
      return new ApiError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE);
    }
    // The service answered, but not with the contract's error shape: a bug on its side.
    this.logger.error(`${pattern}: untyped error from the auth service: ${JSON.stringify(error)}`);
    return new ApiError(ERROR_CODES.INTERNAL_ERROR, ERROR_MESSAGES.INTERNAL_ERROR);
  }
}
