import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER, REQUEST_ID_PATTERN } from '@nestjs-microservices/shared';

/** Fastify's `genReqId`: keep a caller's well-formed `X-Request-Id` so ids join up across systems; else a new one. */
export function requestIdFor(request: { headers: IncomingHttpHeaders }): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}
