import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** The shared rate-limit store (Redis, when REDIS_URL is set). */
@Injectable()
export class RateLimitMetrics {
  private readonly storageErrors: Counter;

  constructor(registry: Registry) {
    this.storageErrors = new Counter({
      name: 'rate_limit_storage_errors_total',
      help: 'Requests let through uncounted because the shared rate-limit store (Redis) did not answer',
      registers: [registry],
    });
  }

  storageFailed(): void {
    this.storageErrors.inc();
  }
}
