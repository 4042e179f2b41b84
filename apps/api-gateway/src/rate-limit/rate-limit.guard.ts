import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import { ERROR_CODES, ERROR_MESSAGES } from '@nestjs-microservices/shared';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error';
import { rateLimitBucketOf } from './rate-limit.decorator';

/**
 * `@nestjs/throttler`'s guard, keyed by the client IP as Fastify resolves it (X-Forwarded-For only from
 * TRUSTED_PROXIES), answering in the contract's shape: 429 RATE_LIMITED with `Retry-After`.
 */
const ALLOWED = Promise.resolve(true);

@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /**
   * A route without a bucket is limited by no throttler: answered at once, without the throttler's work per request.
   * (The guard stays global rather than bound to the limited routes, so that it runs before the access-token guard.)
   */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    return rateLimitBucketOf(context) === undefined ? ALLOWED : super.canActivate(context);
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    return Promise.resolve((req as unknown as FastifyRequest).ip);
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // An audit line (the 429s are also counted in http_request_duration_seconds{status_code="429"}).
    this.logger.warn(
      {
        audit: true,
        event: 'rate_limit.exceeded',
        clientIp: detail.tracker,
        handler: context.getHandler().name,
        requestId: context.switchToHttp().getRequest<FastifyRequest>().id,
      },
      'rate_limit.exceeded',
    );
    return Promise.reject(
      new ApiError(
        ERROR_CODES.RATE_LIMITED,
        ERROR_MESSAGES.RATE_LIMITED,
        undefined,
        Math.max(1, detail.timeToBlockExpire),
      ),
    );
  }
}
