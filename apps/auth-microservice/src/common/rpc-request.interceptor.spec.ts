import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { RpcException } from '@nestjs/microservices';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { rpcError } from '@nestjs-microservices/shared';
import pino from 'pino';
import { Registry } from 'prom-client';
import { lastValueFrom, type Observable, of, throwError } from 'rxjs';
import { RpcServerMetrics } from '../metrics/rpc-server.metrics';
import { RpcRequestInterceptor } from './rpc-request.interceptor';

const META = { requestId: 'spec-request-1', clientIp: '127.0.0.1' };

/** A message handler as Nest registers it: a function carrying its pattern in metadata. */
function handlerFor(pattern: string): () => void {
  const handler = () => undefined;
  Reflect.defineMetadata(PATTERN_METADATA, [pattern], handler);
  return handler;
}

describe('RpcRequestInterceptor: auth_rpc_server_duration_seconds{pattern, outcome}', () => {
  let registry: Registry;
  let interceptor: RpcRequestInterceptor;
  let logged: Array<Record<string, unknown>>;

  /** Runs one call through the interceptor; resolves with the reply, or with what was thrown. */
  const handle = async (pattern: string, data: unknown, reply: () => Observable<unknown>): Promise<unknown> => {
    const context = new ExecutionContextHost([data, {}]);
    context.setType('rpc');
    jest.spyOn(context, 'getHandler').mockReturnValue(handlerFor(pattern));
    try {
      return await lastValueFrom(interceptor.intercept(context, { handle: reply }));
    } catch (error) {
      return error;
    }
  };
  const countLine = (pattern: string, outcome: string, count: number) =>
    `auth_rpc_server_duration_seconds_count{pattern="${pattern}",outcome="${outcome}"} ${count}`;

  beforeEach(() => {
    registry = new Registry();
    logged = [];
    const root = pino({ redact: ['*.password'] }, { write: (line: string) => logged.push(JSON.parse(line)) });
    interceptor = new RpcRequestInterceptor(new Reflector(), new RpcServerMetrics(registry), root);
  });

  afterEach(() => jest.restoreAllMocks());

  it('records an answered call as outcome "ok", with the duration it logs', async () => {
    await handle('auth.login', { meta: META, payload: {} }, () => of({ user: {} }));
    const text = await registry.metrics();

    expect(text).toContain(countLine('auth.login', 'ok', 1));
    const sum = Number(/^auth_rpc_server_duration_seconds_sum\{[^}]*\} (\S+)$/m.exec(text)?.[1]);
    const [line] = logged;
    expect(line).toMatchObject({ context: 'Rpc', msg: 'rpc call', pattern: 'auth.login', outcome: 'ok' });
    expect(Math.abs(sum * 1_000 - Number(line?.['durationMs']))).toBeLessThanOrEqual(0.05);
  });

  it('records a typed error under its code, and anything else as INTERNAL_ERROR', async () => {
    const invalid = new RpcException(rpcError('INVALID_CREDENTIALS', 'x'));
    await handle('auth.login', { meta: META, payload: {} }, () => throwError(() => invalid));
    await handle('auth.login', { meta: META, payload: {} }, () => throwError(() => invalid));
    await handle('auth.signup', { meta: META, payload: {} }, () => throwError(() => new Error('bug')));
    const text = await registry.metrics();

    expect(text).toContain(countLine('auth.login', 'INVALID_CREDENTIALS', 2));
    expect(text).toContain(countLine('auth.signup', 'INTERNAL_ERROR', 1));
    expect(text).not.toContain('outcome="ok"');
  });

  it('records a call refused for its meta as VALIDATION_FAILED, without running the handler', async () => {
    const handler = jest.fn(() => of('never'));

    const error = await handle('auth.signup', { meta: { requestId: 'bad id\n' }, payload: {} }, handler);

    expect(error).toBeInstanceOf(RpcException);
    expect(handler).not.toHaveBeenCalled();
    expect(await registry.metrics()).toContain(countLine('auth.signup', 'VALIDATION_FAILED', 1));
  });
});
