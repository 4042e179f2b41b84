import { SetMetadata } from '@nestjs/common';
import { routeMetadata } from '@nestjs-microservices/nest-auth';

/** The routes with a per-client-IP budget of their own; each has its limit and window in the configuration. */
export const RATE_LIMITED_ROUTES = ['signup', 'login', 'refresh', 'password', 'recovery', 'admin'] as const;
export type RateLimitedRoute = (typeof RATE_LIMITED_ROUTES)[number];

export const RATE_LIMIT_BUCKET = 'rate-limit:bucket';

/** Puts a route under the per-client-IP rate limit named `bucket` (routes without it are not limited). */
export const RateLimit = (bucket: RateLimitedRoute): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_BUCKET, bucket);

/** The bucket of the route being served, if it has one. */
export const rateLimitBucketOf = routeMetadata<RateLimitedRoute>(RATE_LIMIT_BUCKET);
