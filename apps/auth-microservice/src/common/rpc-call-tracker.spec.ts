import type { MessageHandler } from '@nestjs/microservices';
import { requestContext } from '@nestjs-microservices/runtime';
import { rpcError } from '@nestjs-microservices/shared';
import pino from 'pino';
import { Registry } from 'prom-client';
import { isObservable, lastValueFrom, throwError } from 'rxjs';
import { RpcServerMetrics } from '../metrics/rpc-server.metrics';
import { RpcCallTracker } from './rpc-call-tracker';

const META = { requestId: 'spec-request-1', clientIp: '127.0.0.1' };

/** 5,000 levels of `{a: [ … ]}` around 1, built without recursion. */
function deeplyNested(): unknown {
  let value: unknown = 1;
  for (let level = 0; level < 5_000; level++) value = level % 2 ? { a: value } : [value];
  return value;
}

describe('RpcCallTracker', () => {
  let registry: Registry;
  let tracker: RpcCallTracker;
  let logged: Array<Record<string, unknown>>;

  /** One call through the wrapped handler, as the transport server makes it; resolves with the reply or the error. */
  const call = async (pattern: string, data: unknown, handler: MessageHandler): Promise<unknown> => {
    const result: unknown = await tracker.wrap(pattern, handler)(data);
    if (!isObservable(result)) return result;
    try {
      return await lastValueFrom(result);
    } catch (error) {
      return error;
    }
  };
  const countLine = (pattern: string, outcome: string, count: number) =>
    `auth_rpc_server_duration_seconds_count{pattern="${pattern}",outcome="${outcome}"} ${count}`;

  beforeEach(() => {
    registry = new Registry();
    logged = [];
    const root = pino({ redact: ['*.password'] }, { write: (line: string) => logged.push(JSON.parse(line) as never) });
    tracker = new RpcCallTracker(new RpcServerMetrics(registry), root);
  });

  it('runs the handler in the request context and records the answered call as "ok", with the duration it logs', async () => {
    let seen: string | undefined;
    const reply = await call('auth.login', { meta: META, payload: {} }, () => {
      seen = requestContext.getStore()?.requestId;
      return Promise.resolve({ user: {} });
    });
    const text = await registry.metrics();

    expect(reply).toEqual({ user: {} });
    expect(seen).toBe(META.requestId);
    expect(text).toContain(countLine('auth.login', 'ok', 1));
    const sum = Number(/^auth_rpc_server_duration_seconds_sum\{[^}]*\} (\S+)$/m.exec(text)?.[1]);
    const [line] = logged;
    expect(line).toMatchObject({ context: 'Rpc', msg: 'rpc call', requestId: META.requestId, outcome: 'ok' });
    expect(Math.abs(sum * 1_000 - Number(line?.['durationMs']))).toBeLessThanOrEqual(0.05);
  });

  it('logs answered routine polls (key set, revocation feed, health) at debug, their failures at info', async () => {
    await call('auth.revocations', { meta: META, payload: {} }, () => Promise.resolve({ revoked: [] }));
    await call('auth.jwks', { meta: META, payload: {} }, () => Promise.resolve({ keys: [] }));
    await call('auth.health', { meta: META, payload: {} }, () => Promise.resolve({ status: 'ok' }));
    await call('auth.revocations', { meta: META, payload: {} }, () =>
      Promise.resolve(throwError(() => rpcError('AUTH_UNAVAILABLE', 'down'))),
    );
    await call('auth.login', { meta: META, payload: {} }, () => Promise.resolve({ user: {} }));
    expect(logged.map((line) => [line['pattern'], line['outcome']])).toEqual([
      ['auth.revocations', 'AUTH_UNAVAILABLE'],
      ['auth.login', 'ok'],
    ]);
  });

  it('records a typed error under its code, and anything else as INTERNAL_ERROR', async () => {
    const invalid = rpcError('INVALID_CREDENTIALS', 'x');
    // Nest's handler answers a failure with an Observable of the exception filter's error.
    const failing = (failure: unknown) => () => Promise.resolve(throwError(() => failure));
    await call('auth.login', { meta: META, payload: {} }, failing(invalid));
    await expect(call('auth.login', { meta: META, payload: {} }, failing(invalid))).resolves.toBe(invalid);
    await call('auth.signup', { meta: META, payload: {} }, failing(new Error('bug')));
    const text = await registry.metrics();

    expect(text).toContain(countLine('auth.login', 'INVALID_CREDENTIALS', 2));
    expect(text).toContain(countLine('auth.signup', 'INTERNAL_ERROR', 1));
    expect(text).not.toContain('outcome="ok"');
    expect(logged.map((line) => line['outcome'])).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INTERNAL_ERROR',
    ]);
  });

  it.each([
    ['missing', { payload: {} }, 'meta'],
    ['with a malformed request id', { meta: { requestId: 'bad id\n' }, payload: {} }, 'meta.requestId'],
    [
      'nested 5,000 levels deep in a field',
      { meta: { ...META, clientIp: deeplyNested() }, payload: {} },
      'meta.clientIp',
    ],
    ['itself nested 5,000 levels deep', { meta: deeplyNested(), payload: {} }, 'meta.a'],
  ])(
    'refuses a call whose meta is %s with VALIDATION_FAILED, without running the handler',
    async (_label, data, field) => {
      const handler = jest.fn(() => Promise.resolve('never'));

      const error = await call('auth.signup', data, handler);

      expect(error).toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ field })],
      });
      expect(handler).not.toHaveBeenCalled();
      expect(await registry.metrics()).toContain(countLine('auth.signup', 'VALIDATION_FAILED', 1));
    },
  );

  it('lets the transport decide which client IP the handlers see', async () => {
    const seenWith = async (clientIpOf: (context: unknown, claimed: string | undefined) => string | undefined) => {
      let seen: string | undefined = 'not called';
      const handler = () => {
        seen = requestContext.getStore()?.clientIp;
        return Promise.resolve(null);
      };
      await tracker.wrap('auth.login', handler, clientIpOf)({ meta: META, payload: {} }, 'the context');
      return seen;
    };
    expect(await seenWith((_context, claimed) => claimed)).toBe(META.clientIp);
    expect(await seenWith((context) => (context === 'the context' ? '198.51.100.4' : 'wrong'))).toBe('198.51.100.4');
    expect(await seenWith(() => undefined)).toBeUndefined();
  });
});
