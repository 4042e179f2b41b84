import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';

/** The `route` label of a request that matched no route: one value, whatever URL was asked for. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods counted under their own name; any other is counted as `OTHER`. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What the gateway's HTTP metrics need to know about one request. */
export interface HttpRequestFacts {
  method: string;
  /** The route pattern that matched (`/api/users/:id`), never the raw URL; undefined when none did. */
  route: string | undefined;
  statusCode: number;
  durationMs: number;
}

/**
 * `http_request_duration_seconds`: every answered request, by method, route pattern and status.
 * All three labels have a bounded set of values, whatever a client sends.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to having sent its response, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      registers: [registry],
    });
  }

  observe({ method, route, statusCode, durationMs }: HttpRequestFacts): void {
    this.duration.observe(
      {
        method: KNOWN_METHODS.has(method) ? method : 'OTHER',
        route: route ?? UNMATCHED_ROUTE,
        status_code: String(statusCode),
      },
      durationMs / 1_000,
    );
  }
}
