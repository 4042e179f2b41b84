import { type ExecutionContext, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { ApiError } from '../common/api-error';
import { RateLimitGuard } from './rate-limit.guard';

/** Exposes the two hooks the gateway overrides, to call them directly. */
class ExposedGuard extends RateLimitGuard {
  tracker(req: Record<string, unknown>): Promise<string> {
    return this.getTracker(req);
  }

  refuse(timeToBlockExpire: number): Promise<void> {
    const context = {
      getHandler: () => ({ name: 'login' }),
      switchToHttp: () => ({ getRequest: () => ({ id: 'req-7' }) }),
    } as unknown as ExecutionContext;
    return this.throwThrottlingException(context, {
      ttl: 60_000,
      limit: 3,
      key: 'k',
      tracker: '192.0.2.1',
      totalHits: 4,
      timeToExpire: 30,
      isBlocked: true,
      timeToBlockExpire,
    });
  }
}

describe('RateLimitGuard', () => {
  const guard = new ExposedGuard({ throttlers: [] }, new ThrottlerStorageService(), new Reflector());

  it('tracks clients by the IP Fastify resolved (trusted proxies already applied)', async () => {
    await expect(guard.tracker({ ip: '198.51.100.4', ips: ['203.0.113.9', '198.51.100.4'] })).resolves.toBe(
      '198.51.100.4',
    );
  });

  it('refuses with RATE_LIMITED and the seconds until the block ends, at least 1', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const refusal = await guard.refuse(17).catch((error: unknown) => error);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'rate_limit.exceeded', clientIp: '192.0.2.1', requestId: 'req-7' }),
      'rate_limit.exceeded',
    );
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 17 });
    expect((refusal as ApiError).toBody()).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: 'Too many requests from this client; try again later',
    });
    await expect(guard.refuse(0)).rejects.toMatchObject({ retryAfterSeconds: 1 });
  });
});
