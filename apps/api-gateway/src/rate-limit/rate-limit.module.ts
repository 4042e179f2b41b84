import { type ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule, type ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { GatewayConfig } from '../config/gateway-config';
import { RATE_LIMIT_BUCKET, RATE_LIMITED_ROUTES, type RateLimitedRoute } from './rate-limit.decorator';
import { RateLimitGuard } from './rate-limit.guard';

/**
 * Where the counters live. In memory by default (one gateway); gateways that must share one budget
 * replace this provider with a shared store (e.g. Redis) implementing `ThrottlerStorage`.
 */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

const reflector = new Reflector();
const bucketOf = (context: ExecutionContext): RateLimitedRoute | undefined =>
  reflector.getAllAndOverride<RateLimitedRoute | undefined>(RATE_LIMIT_BUCKET, [
    context.getHandler(),
    context.getClass(),
  ]);

@Module({
  providers: [{ provide: RATE_LIMIT_STORAGE, useFactory: (): ThrottlerStorage => new ThrottlerStorageService() }],
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
          skipIf: (context: ExecutionContext) => !config.rateLimit.enabled || bucketOf(context) !== name,
        })),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
