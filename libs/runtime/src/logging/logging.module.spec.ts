import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ProcessConfig } from '../env-schema';
import { createLogger, LOG_BATCH_BYTES, LOG_FLUSH_INTERVAL_MS, pinoOptions, requestLogging } from './logging.module';
import { requestContext } from './request-context';

function capture(level: 'log' | 'warn') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const config = new ProcessConfig({ NODE_ENV: 'production', LOG_LEVEL: level, SHUTDOWN_TIMEOUT_MS: 1_000 });
  return { lines, logger: pino(pinoOptions(config, 'gateway'), stream) };
}

function exchange(id: unknown, url = '/api/auth/me?x=1') {
  const req = Object.assign(new EventEmitter(), { id, method: 'GET', url, headers: { authorization: 'Bearer t' } });
  const res = Object.assign(new EventEmitter(), { statusCode: 200 });
  return { req: req as unknown as IncomingMessage & { id?: unknown }, res: res as unknown as ServerResponse };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('requestLogging', () => {
  it('runs the rest of the request in its request context', () => {
    const { logger } = capture('log');
    const { req, res } = exchange('trace-1');
    let seen: string | undefined;
    requestLogging(logger)(req, res, () => {
      seen = requestContext.getStore()?.requestId;
    });
    expect(seen).toBe('trace-1');
    expect(requestContext.getStore()).toBeUndefined();
  });

  it('writes one access line when the response is done: request id, method, URL, status, time', async () => {
    const { lines, logger } = capture('log');
    const { req, res } = exchange('trace-2');
    requestLogging(logger)(req, res, () => undefined);
    res.statusCode = 201;
    res.emit('finish');
    res.emit('close');
    await flush();
    expect(lines).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        service: 'gateway',
        requestId: 'trace-2',
        req: { method: 'GET', url: '/api/auth/me?x=1' },
        res: { statusCode: 201 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      },
    ]);
  });

  it('logs a 5xx at error level, and a request without an id as "unknown"', async () => {
    const { lines, logger } = capture('log');
    const { req, res } = exchange(undefined);
    requestLogging(logger)(req, res, () => undefined);
    res.statusCode = 503;
    res.emit('close');
    await flush();
    expect(lines).toMatchObject([{ level: 50, requestId: 'unknown', msg: 'request errored' }]);
  });

  it('logs a successful poll of a quiet path at debug level (not written at LOG_LEVEL=log), a refused one at info', async () => {
    const { lines, logger } = capture('log');
    const quiet = new Set(['/api/auth/revocations']);
    const polled = exchange('poll-1', '/api/auth/revocations?since=a.1');
    requestLogging(logger, quiet)(polled.req, polled.res, () => undefined);
    polled.res.emit('finish');
    const refused = exchange('poll-2', '/api/auth/revocations');
    requestLogging(logger, quiet)(refused.req, refused.res, () => undefined);
    refused.res.statusCode = 401;
    refused.res.emit('finish');
    const other = exchange('me-1');
    requestLogging(logger, quiet)(other.req, other.res, () => undefined);
    other.res.emit('finish');
    await flush();
    expect(lines.map((line) => line['requestId'])).toEqual(['poll-2', 'me-1']);
  });

  it('writes no access line above LOG_LEVEL=log, but still sets the request context', async () => {
    const { lines, logger } = capture('warn');
    const { req, res } = exchange('trace-3');
    let seen: string | undefined;
    requestLogging(logger)(req, res, () => {
      seen = requestContext.getStore()?.requestId;
    });
    res.emit('finish');
    await flush();
    expect(lines).toEqual([]);
    expect(seen).toBe('trace-3');
    expect(res.listenerCount('finish')).toBe(0);
  });
});

describe('pinoOptions', () => {
  it('redacts secret-named fields and tags lines with the request id of the context', async () => {
    const { lines, logger } = capture('log');
    requestContext.run({ requestId: 'trace-4' }, () => {
      logger.info({ body: { password: 'p', refreshToken: 'r', note: 'kept' } }, 'a line');
    });
    logger.info({ req: { headers: { authorization: 'Bearer secret' } } }, 'out of context');
    await flush();
    expect(lines[0]).toMatchObject({
      requestId: 'trace-4',
      body: { password: '[redacted]', refreshToken: '[redacted]', note: 'kept' },
    });
    expect(lines[1]).not.toHaveProperty('requestId');
    expect(JSON.stringify(lines)).not.toMatch(/Bearer secret|"p"|"r"/);
  });
});

describe('createLogger', () => {
  it('writes JSON to stdout in batches, without blocking the event loop on each line', () => {
    const config = new ProcessConfig({ NODE_ENV: 'production', LOG_LEVEL: 'log', SHUTDOWN_TIMEOUT_MS: 1_000 });
    const logger = createLogger(config, 'gateway');
    const destination = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as {
      fd: number;
      sync: boolean;
      minLength: number;
      _periodicFlush: number;
    };
    expect(destination.fd).toBe(1);
    expect(destination.sync).toBe(false);
    expect(destination.minLength).toBe(LOG_BATCH_BYTES);
    // Without it, a quiet process would hold its last lines until the batch fills.
    expect(destination._periodicFlush).toBe(LOG_FLUSH_INTERVAL_MS);
    expect(logger.level).toBe('info');
  });
});

describe('lines a peer cannot forge', () => {
  it('escapes and bounds the message, every field and an error', async () => {
    const { lines, logger } = capture('log');
    logger.warn({ pattern: 'p\n{"level":50}' }, 'from peer:\n{"level":50,"msg":"forged"}\u2028');
    logger.error({ err: new Error('bad\r\nframe') }, 'failed');
    logger.info('%s', 'x'.repeat(10_000));
    await flush();
    expect(lines[0]).toMatchObject({
      msg: 'from peer:\\n{"level":50,"msg":"forged"}\\u2028',
      pattern: 'p\\n{"level":50}',
    });
    expect(lines[1]?.['err']).toMatchObject({ message: 'bad\\r\\nframe' });
    expect(String((lines[1]?.['err'] as { stack?: string }).stack)).not.toMatch(/[\r\n]/);
    expect(String(lines[2]?.['msg']).length).toBeLessThan(5_000);
  });
});
