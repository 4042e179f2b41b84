import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import type { RateLimitMetrics } from '../metrics/rate-limit.metrics';

type StorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What a request is counted as when the shared store cannot be asked: allowed, with no block. */
const NOT_COUNTED: StorageRecord = { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
const WARN_EVERY_MS = 10_000;

export interface SharedRateLimitStorageOptions {
  url: string;
  keyPrefix: string;
  metrics: RateLimitMetrics;
}

/**
 * Rate-limit counters in Redis, shared by every gateway (`@nest-lab/throttler-storage-redis`: one atomic
 * script per request). When Redis cannot answer within a few hundred milliseconds the request is let through
 * uncounted — rate limiting fails open, logged and counted in `rate_limit_storage_errors_total` — because a
 * Redis outage must not take logins down, and the auth service's per-account brute-force protection, kept in
 * its database, still holds.
 */
export class SharedRateLimitStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: Redis;
  private readonly store: ThrottlerStorageRedisService;
  private readonly metrics: RateLimitMetrics;
  private lastWarningAt = 0;

  constructor(options: SharedRateLimitStorageOptions) {
    this.metrics = options.metrics;
    this.redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      // Fail at once while disconnected instead of queueing the request behind the outage.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.on('error', (error: Error) => this.warn(`Redis: ${error.message}`));
    this.store = new ThrottlerStorageRedisService(this.redis);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<StorageRecord> {
    try {
      return await this.store.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      this.metrics.storageFailed();
      this.warn(
        `Rate limit not applied (Redis unavailable): ${error instanceof Error ? error.message : String(error)}`,
      );
      return NOT_COUNTED;
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect(false);
  }

  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) return;
    this.lastWarningAt = now;
    this.logger.warn(message);
  }
}
