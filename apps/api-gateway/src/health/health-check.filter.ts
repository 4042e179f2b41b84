import { type ArgumentsHost, Catch, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { HttpErrorFilter } from '../common/http-error.filter';
import { HEALTH_CACHE_CONTROL } from './health-checks';

/**
 * Terminus reports a failed check by throwing `ServiceUnavailableException(result)`. The global
 * `HttpErrorFilter` would turn any 5xx into a bare INTERNAL_ERROR; on the health routes the 503
 * is answered with terminus' body instead, which names the failing checks. Anything else is left
 * to the global filter's rules.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFilter extends HttpErrorFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const body = exception instanceof ServiceUnavailableException ? exception.getResponse() : undefined;
    if (!isHealthCheckResult(body)) {
      // eslint-disable-next-line promise/valid-params -- ExceptionFilter#catch, not Promise#catch
      super.catch(exception, host);
      return;
    }
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .header('cache-control', HEALTH_CACHE_CONTROL)
      .status(HttpStatus.SERVICE_UNAVAILABLE)
      .send(body);
  }
}

export function isHealthCheckResult(value: unknown): value is HealthCheckResult {
  if (typeof value !== 'object' || value === null) return false;
  const { status, details } = value as Record<string, unknown>;
  return (
    (status === 'ok' || status === 'error' || status === 'shutting_down') &&
    typeof details === 'object' &&
    details !== null
  );
}
