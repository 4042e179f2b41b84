import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { requestContext, ROOT_LOGGER } from '@nestjs-microservices/runtime';
import {
  ERROR_CODES,
  type FieldError,
  isRpcErrorBody,
  RequestMeta,
  RPC_META,
  toFieldErrors,
  VALIDATION_OPTIONS,
} from '@nestjs-microservices/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Logger } from 'pino';
import { Observable, tap } from 'rxjs';
import { RpcServerMetrics } from '../metrics/rpc-server.metrics';
import { rpcFailure } from './rpc-failure';

/**
 * Every message arrives as `RpcRequest { meta, payload }`. This checks `meta`, runs the handler
 * inside its request context (so every log line below carries the request id), and writes one
 * line per call with its pattern, outcome and duration, recorded in `auth_rpc_server_duration_seconds` too.
 */
@Injectable()
export class RpcRequestInterceptor implements NestInterceptor {
  /** Pattern, outcome and duration only: nothing the redaction paths could match, so none are applied. */
  private readonly logger: Logger;

  constructor(
    private readonly reflector: Reflector,
    private readonly metrics: RpcServerMetrics,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: 'Rpc' }, { redact: [] });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const pattern = String(this.reflector.get<unknown[]>(PATTERN_METADATA, context.getHandler())?.[0] ?? 'unknown');
    const started = performance.now();
    let meta: RequestMeta;
    try {
      meta = readMeta(context.switchToRpc().getData<unknown>());
    } catch (error) {
      this.recordCall(pattern, outcomeOf(error), started);
      throw error;
    }
    return new Observable((subscriber) =>
      requestContext.run(meta, () =>
        next
          .handle()
          .pipe(
            tap({
              next: () => this.recordCall(pattern, 'ok', started),
              error: (error: unknown) => this.recordCall(pattern, outcomeOf(error), started),
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }

  /** The log line and the histogram share one measurement. */
  private recordCall(pattern: string, outcome: string, started: number): void {
    const durationMs = performance.now() - started;
    this.metrics.observe(pattern, outcome, durationMs);
    this.logger.info({ pattern, outcome, durationMs: Math.round(durationMs * 10) / 10 }, 'rpc call');
  }
}

function outcomeOf(error: unknown): string {
  const body = error instanceof RpcException ? error.getError() : error;
  return isRpcErrorBody(body) ? body.code : ERROR_CODES.INTERNAL_ERROR;
}

function readMeta(data: unknown): RequestMeta {
  const raw = isObject(data) ? data[RPC_META] : undefined;
  if (!isObject(raw)) throw invalidMeta([{ field: RPC_META, messages: ['must be an object'] }]);
  const meta = plainToInstance(RequestMeta, raw);
  const errors = validateSync(meta, VALIDATION_OPTIONS);
  if (errors.length > 0) throw invalidMeta(toFieldErrors(errors, RPC_META));
  return meta;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function invalidMeta(details: FieldError[]): RpcException {
  return rpcFailure(ERROR_CODES.VALIDATION_FAILED, details);
}
