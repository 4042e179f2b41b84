import pino from 'pino';
import { ProcessConfig } from '../env-schema';
import { captureLog, flushLog } from './log-capture.spec-helpers';
import { createLogger, LOG_BATCH_BYTES, LOG_FLUSH_INTERVAL_MS } from './logging.module';
import { requestContext } from './request-context';

describe('pinoOptions', () => {
  it('redacts secret-named fields and tags lines with the request id of the context', async () => {
    const { lines, logger } = captureLog('log');
    requestContext.run({ requestId: 'trace-4' }, () => {
      logger.info({ body: { password: 'p', refreshToken: 'r', note: 'kept' } }, 'a line');
    });
    logger.info({ req: { headers: { authorization: 'Bearer secret' } } }, 'out of context');
    await flushLog();
    expect(lines[0]).toMatchObject({
      requestId: 'trace-4',
      body: { password: '[redacted]', refreshToken: '[redacted]', note: 'kept' },
    });
    expect(lines[1]).not.toHaveProperty('requestId');
    expect(JSON.stringify(lines)).not.toMatch(/Bearer secret|"p"|"r"/);
  });
});

describe('createLogger', () => {
  it('writes JSON to stdout in batches, one write per batch from the event loop (no thread-pool hand-off)', () => {
    const config = new ProcessConfig({ NODE_ENV: 'production', LOG_LEVEL: 'log', SHUTDOWN_TIMEOUT_MS: 1_000 });
    const logger = createLogger(config, 'gateway');
    const destination = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as {
      fd: number;
      sync: boolean;
      minLength: number;
      _periodicFlush: number;
    };
    expect(destination.fd).toBe(1);
    expect(destination.sync).toBe(true);
    expect(destination.minLength).toBe(LOG_BATCH_BYTES);
    // Without it, a quiet process would hold its last lines until the batch fills.
    expect(destination._periodicFlush).toBe(LOG_FLUSH_INTERVAL_MS);
    expect(logger.level).toBe('info');
  });
});

describe('lines a peer cannot forge', () => {
  it('escapes and bounds the message, every field and an error', async () => {
    const { lines, logger } = captureLog('log');
    logger.warn({ pattern: 'p\n{"level":50}' }, 'from peer:\n{"level":50,"msg":"forged"}\u2028');
    logger.error({ err: new Error('bad\r\nframe') }, 'failed');
    logger.info('%s', 'x'.repeat(10_000));
    await flushLog();
    expect(lines[0]).toMatchObject({
      msg: 'from peer:\\n{"level":50,"msg":"forged"}\\u2028',
      pattern: 'p\\n{"level":50}',
    });
    expect(lines[1]?.['err']).toMatchObject({ message: 'bad\\r\\nframe' });
    expect(String((lines[1]?.['err'] as { stack?: string }).stack)).not.toMatch(/[\r\n]/);
    expect(String(lines[2]?.['msg']).length).toBeLessThan(5_000);
  });
});
