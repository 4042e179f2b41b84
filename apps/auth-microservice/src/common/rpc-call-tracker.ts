import { Inject, Injectable } from '@nestjs/common';
import type { MessageHandler } from '@nestjs/microservices';
import {
  findExcessiveNesting,
  NESTING_TOO_DEEP_MESSAGE,
  requestContext,
  ROOT_LOGGER,
} from '@nestjs-microservices/runtime';
import {
  AUTH_PATTERNS,
  ERROR_CODES,
  ERROR_MESSAGES,
  type FieldError,
  isRpcErrorBody,
  RequestMeta,
  RPC_META,
  rpcError,
  type RpcErrorBody,
  toFieldErrors,
  VALIDATION_OPTIONS,
} from '@nestjs-microservices/shared';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Logger } from 'pino';
import { isObservable, type Observable, tap, throwError } from 'rxjs';
import { RpcServerMetrics } from '../metrics/rpc-server.metrics';

/** Polled by every gateway, often every second: their answered calls are logged at `debug` (failures still at info). */
const ROUTINE_PATTERNS: ReadonlySet<string> = new Set([
  AUTH_PATTERNS.jwks,
  AUTH_PATTERNS.revocations,
  AUTH_PATTERNS.health,
]);

/** The client IP to handle a request for, from its transport context and what its caller claims. */
export type ClientIpOf = (context: unknown, claimed: string | undefined) => string | undefined;

/**
 * Every message arrives as `RpcRequest { meta, payload }`. Each request handler, as the transport server registers
 * it, is wrapped here: `meta` is checked (an invalid one is refused before the handler runs), the handler runs inside
 * the request's context (so every log line below carries its request id, and `@Meta()` reads it), and one line per
 * call gives its pattern, outcome and duration, recorded in `auth_rpc_server_duration_seconds` too.
 *
 * This is the work of a Nest interceptor, done at the transport instead: with any interceptor registered, Nest calls
 * `AsyncResource.bind` twice per message, which on Node 20 builds deprecation wrappers each time, on every message
 * (what it cost and what this saved: docs/performance.md, "Optimised so far").
 */
@Injectable()
export class RpcCallTracker {
  /** Pattern, outcome, duration and request id only: nothing the redaction paths could match, so none are applied. */
  private readonly logger: Logger;

  constructor(
    private readonly metrics: RpcServerMetrics,
    @Inject(ROOT_LOGGER) root: Logger,
  ) {
    this.logger = root.child({ context: 'Rpc' }, { redact: [] });
  }

  /**
   * `handler` (Nest's, with its pipes and exception filter) as the transport server must call it for `pattern`.
   * `clientIpOf` decides, per request, which client IP the handlers see: the one the caller claims in
   * `meta.clientIp` only if the transport believes that caller.
   */
  wrap(
    pattern: string,
    handler: MessageHandler,
    clientIpOf: ClientIpOf = (_context, claimed) => claimed,
  ): MessageHandler {
    return async (data: unknown, context?: unknown): Promise<unknown> => {
      const started = performance.now();
      const meta = readMeta(data);
      if (!(meta instanceof RequestMeta)) {
        this.record(pattern, undefined, meta.code, started);
        return throwError(() => meta);
      }
      const clientIp = clientIpOf(context, meta.clientIp);
      if (clientIp === undefined) delete meta.clientIp;
      else meta.clientIp = clientIp;
      // Nest's handler resolves with the reply, or with an Observable that fails with the filter's RpcErrorBody.
      const result: unknown = await requestContext.run(meta, () => handler(data, context));
      if (!isObservable(result)) {
        this.record(pattern, meta.requestId, 'ok', started);
        return result;
      }
      return (result as Observable<unknown>).pipe(
        tap({
          complete: () => this.record(pattern, meta.requestId, 'ok', started),
          error: (error: unknown) => this.record(pattern, meta.requestId, outcomeOf(error), started),
        }),
      );
    };
  }

  /** The log line and the histogram share one measurement. */
  private record(pattern: string, requestId: string | undefined, outcome: string, started: number): void {
    const durationMs = performance.now() - started;
    this.metrics.observe(pattern, outcome, durationMs);
    const line = { requestId, pattern, outcome, durationMs: Math.round(durationMs * 10) / 10 };
    if (outcome === 'ok' && ROUTINE_PATTERNS.has(pattern)) this.logger.debug(line, 'rpc call');
    else this.logger.info(line, 'rpc call');
  }
}

function outcomeOf(error: unknown): string {
  return isRpcErrorBody(error) ? error.code : ERROR_CODES.INTERNAL_ERROR;
}

/** The validated `meta` of a message, or the error to answer it with. */
function readMeta(data: unknown): RequestMeta | RpcErrorBody {
  const raw = isObject(data) ? data[RPC_META] : undefined;
  if (!isObject(raw)) {
    return invalidMeta([{ field: RPC_META, messages: ['must be an object'] }]);
  }
  // Before class-transformer, whose recursion a few thousand levels overflow (the call then got no reply at all).
  const tooDeep = findExcessiveNesting(raw);
  if (tooDeep !== undefined) {
    return invalidMeta([
      { field: tooDeep ? `${RPC_META}.${tooDeep}` : RPC_META, messages: [NESTING_TOO_DEEP_MESSAGE] },
    ]);
  }
  const meta = plainToInstance(RequestMeta, raw);
  const errors = validateSync(meta, VALIDATION_OPTIONS);
  return errors.length > 0 ? invalidMeta(toFieldErrors(errors, RPC_META)) : meta;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function invalidMeta(details: FieldError[]): RpcErrorBody {
  return rpcError(ERROR_CODES.VALIDATION_FAILED, ERROR_MESSAGES.VALIDATION_FAILED, details);
}
