import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ERROR_CODES, ERROR_MESSAGES, type RequestMeta } from '@nestjs-microservices/shared';
import { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { HEALTH_CHECKS } from './health-checks';

/**
 * One `auth.health` round trip gives two checks: `auth` (the service answered in time) and
 * `database` (what the service reports about its database). When the service does not answer,
 * only `auth` is reported: nothing is known about the database then.
 */
@Injectable()
export class AuthHealthIndicator {
  constructor(
    private readonly auth: AuthClient,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(meta: RequestMeta): Promise<HealthIndicatorResult> {
    const auth = this.indicators.check(HEALTH_CHECKS.auth);
    const started = performance.now();
    try {
      const { database } = await this.auth.health(meta);
      const durationMs = Math.round(performance.now() - started);
      const { status, ...data } = database;
      const db = this.indicators.check(HEALTH_CHECKS.database);
      return { ...auth.up({ durationMs }), ...(status === 'up' ? db.up(data) : db.down(data)) };
    } catch (error) {
      // AuthClient turns every failure into an ApiError with a safe message (and logs the cause).
      const { code, message } =
        error instanceof ApiError
          ? error
          : { code: ERROR_CODES.INTERNAL_ERROR, message: ERROR_MESSAGES.INTERNAL_ERROR };
      return auth.down({ code, message, durationMs: Math.round(performance.now() - started) });
    }
  }
}
