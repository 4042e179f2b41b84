import { createServer, type Server } from 'node:net';
import { Logger } from '@nestjs/common';
import { SharedRateLimitStorage } from './shared-rate-limit.storage';

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('SharedRateLimitStorage', () => {
  afterEach(() => jest.restoreAllMocks());

  it('lets a request through uncounted, at once, when Redis cannot be reached — and says so', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const metrics = { storageFailed: jest.fn() };
    const storage = new SharedRateLimitStorage({
      url: `redis://127.0.0.1:${await closedPort()}`,
      keyPrefix: 'spec:',
      metrics: metrics as never,
    });
    try {
      const started = performance.now();
      const record = await storage.increment('203.0.113.9', 60_000, 1, 60_000, 'login');

      expect(record).toEqual({ totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 });
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(metrics.storageFailed).toHaveBeenCalledTimes(1);
      expect(warned).toHaveBeenCalledWith(expect.stringContaining('Rate limit not applied'));
    } finally {
      storage.onModuleDestroy();
    }
  });
});
