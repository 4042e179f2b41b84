import type { FastifyInstance } from 'fastify';
import type { HttpMetrics } from './http.metrics';

/**
 * Records every response in `http_request_duration_seconds`, errors included (404, Fastify's own
 * 413/415, the filter's 5xx): Fastify's `onResponse` runs once the reply has been sent, whoever sent it.
 * The route label is Fastify's route pattern; a request that matched no route has none (`is404`).
 */
export function recordHttpMetrics(fastify: FastifyInstance, metrics: HttpMetrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observe({
      method: request.method,
      route: request.is404 ? undefined : request.routeOptions.url,
      statusCode: reply.statusCode,
      durationMs: reply.elapsedTime,
    });
    done();
  });
}
