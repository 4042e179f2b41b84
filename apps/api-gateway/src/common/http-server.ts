import { createServer, type RequestListener } from 'node:http';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  findExcessiveNesting,
  NESTING_TOO_DEEP_MESSAGE,
  registerAccessLog,
  ROOT_LOGGER,
} from '@nestjs-microservices/runtime';
import { AUTH_MODE_HEADER, ERROR_CODES, ERROR_MESSAGES, REQUEST_ID_HEADER } from '@nestjs-microservices/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/gateway-config';
import { DOCS_PATH } from '../docs/setup-docs';
import { recordHttpMetrics } from '../metrics/http-metrics.hook';
import { HttpMetrics } from '../metrics/http.metrics';
import { ApiError } from './api-error';
import { handleClientError } from './client-error-handler';
import { drainConnectionsOnClose } from './drain-on-close';
import { requestIdFor } from './request-id';
import { API_SECURITY_HEADERS, securityHeaders } from './security-headers';

/** What machines poll (probes, key sets, the revocation feed, metrics): logged at debug when they succeed. */
const POLLED_PATHS = ['/api/auth/revocations', '/api/auth/jwks', '/api/health/live', '/api/health/ready', '/metrics'];

/** Fastify as the gateway needs it: body limit, request ids, client IPs from trusted proxies only, slow-request cut-off. */
export function createHttpAdapter(config: GatewayConfig): FastifyAdapter {
  const { bodyLimitBytes, trustedProxies, requestTimeoutMs } = config.http;
  return new FastifyAdapter({
    // No Nest middleware runs here (the access log and metrics are Fastify hooks), so @fastify/middie's per-request
    // hook is not registered; adding a middleware later fails at start-up instead of running nowhere.
    skipMiddie: true,
    bodyLimit: bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    trustProxy: trustedProxies.length > 0 ? trustedProxies : false,
    // Timeouts, oversized headers and non-HTTP bytes are answered by Node before Fastify routes anything.
    clientErrorHandler: handleClientError,
    // A URL Fastify cannot even decode (e.g. `%zz`) never reaches Nest's filter: answer it in the contract's shape here.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      void reply.code(400).send(new ApiError(ERROR_CODES.BAD_REQUEST, error.message).toBody());
    },
    // Node checks request deadlines every `connectionsCheckingInterval` (30 s by default), which would let
    // a stalled request live up to 30 s past its timeout; Fastify's own `requestTimeout` cannot change that.
    serverFactory: (handler: RequestListener) =>
      createServer(
        {
          requestTimeout: requestTimeoutMs,
          headersTimeout: requestTimeoutMs,
          connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs / 2),
        },
        handler,
      ),
  });
}

/** Everything around the routes: headers, body parsing, CORS, metrics, the `/api` prefix, draining on close. */
export function configureHttpServer(app: NestFastifyApplication, config: GatewayConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  const htmlHeaders = securityHeaders();
  // Swagger UI's page and assets; its JSON document (/api/docs-json) is an API answer like any other.
  const docsPage = new RegExp(`^/api/${DOCS_PATH}(?:[/?]|$)`);
  fastify.addHook('onRequest', (request, reply, done) => {
    const headers = docsPage.test(request.url) ? htmlHeaders : API_SECURITY_HEADERS;
    void reply.headers(headers).header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // A JSON API: a body of any other type is refused with 415 instead of reaching validation as a string.
  fastify.removeContentTypeParser('text/plain');
  // Nesting is bounded right after parsing, on every route (even one that ignores its body), before anything recurses.
  fastify.addHook('preValidation', (request, reply, done) => {
    const tooDeep = findExcessiveNesting(request.body);
    if (tooDeep === undefined) {
      done();
      return;
    }
    const error = new ApiError(ERROR_CODES.VALIDATION_FAILED, ERROR_MESSAGES.VALIDATION_FAILED, [
      { field: tooDeep || 'body', messages: [NESTING_TOO_DEEP_MESSAGE] },
    ]);
    // Replying without calling done() ends the hook chain: no guard, pipe or handler sees the body.
    void reply.code(400).send(error.toBody());
  });
  const { corsOrigins } = config.http;
  if (corsOrigins.length > 0) {
    const cors = {
      origin: corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', REQUEST_ID_HEADER, AUTH_MODE_HEADER],
      exposedHeaders: [REQUEST_ID_HEADER, 'retry-after', 'www-authenticate'],
      maxAge: 600,
    };
    // Cookie mode: the browser may send and receive the refresh cookie, for these origins only.
    app.enableCors({
      delegator: (request, callback) => {
        const origin = request.headers.origin;
        callback(null, { ...cors, credentials: origin !== undefined && corsOrigins.includes(origin) });
      },
    });
  }
  recordHttpMetrics(fastify, app.get(HttpMetrics));
  registerAccessLog(fastify, app.get<Logger>(ROOT_LOGGER), { quietPaths: POLLED_PATHS });
  // Prometheus scrapes /metrics at the root, where it looks for it by default.
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  drainConnectionsOnClose(fastify);
}
