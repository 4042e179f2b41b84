import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export interface AccessLogOptions {
  /**
   * Paths that machines poll (probes, key sets, the revocation feed): their successful requests are logged at
   * `debug`, so a poll every second does not fill the log at the default level.
   */
  quietPaths?: readonly string[];
}

/**
 * One line per HTTP request, written by a Fastify `onResponse` hook once the reply is sent (`request completed`;
 * `request errored` for a 5xx), and by `onRequestAbort` when the client goes away first. A hook, not a Nest
 * middleware: middleware on Fastify goes through @fastify/middie and a request context on every request, which cost
 * more than the line itself. The line holds the request id, method, URL, status and time — nothing the redaction
 * paths could match — so it is written by a child without redaction; lines written while serving a request pass
 * the request id themselves.
 */
export function registerAccessLog(fastify: FastifyInstance, logger: Logger, options: AccessLogOptions = {}): void {
  const accessLog = logger.child({}, { redact: [] });
  if (!accessLog.isLevelEnabled('info')) return;
  const quiet = new Set(options.quietPaths);
  fastify.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const line = {
      requestId: request.id,
      req: { method: request.method, url: request.url },
      res: { statusCode },
      responseTime: Math.round(reply.elapsedTime),
    };
    if (statusCode >= 500) accessLog.error(line, 'request errored');
    else if (statusCode < 400 && quiet.has(pathOf(request.url))) accessLog.debug(line, 'request completed');
    else accessLog.info(line, 'request completed');
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    accessLog.info({ requestId: request.id, req: { method: request.method, url: request.url } }, 'request aborted');
    done();
  });
}

const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
};
