import { type ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { GatewayConfig } from '../config/gateway-config';
import { RateLimitMetrics } from '../metrics/rate-limit.metrics';
import { RATE_LIMITED_ROUTES, rateLimitBucketOf } from './rate-limit.decorator';
import { RateLimitGuard } from './rate-limit.guard';
import { SharedRateLimitStorage } from './shared-rate-limit.storage';

/** Where the counters live: in this process by default, in Redis (shared by every gateway) when REDIS_URL is set. */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [GatewayConfig, RateLimitMetrics],
      useFactory: (config: GatewayConfig, metrics: RateLimitMetrics): ThrottlerStorage =>
        config.redis ? new SharedRateLimitStorage({ ...config.redis, metrics }) : new ThrottlerStorageService(),
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
class RateLimitStorageModule {}

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [GatewayConfig, RATE_LIMIT_STORAGE],
      useFactory: (config: GatewayConfig, storage: ThrottlerStorage) => ({
        storage,
        setHeaders: false,
        throttlers: RATE_LIMITED_ROUTES.map((name) => ({
          name,
          limit: config.rateLimit.routes[name].limit,
          ttl: config.rateLimit.routes[name].ttlMs,
          // Each throttler counts only the routes of its own bucket; routes without one are not limited.
          skipIf: (context: ExecutionContext) => !config.rateLimit.enabled || rateLimitBucketOf(context) !== name,
        })),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
