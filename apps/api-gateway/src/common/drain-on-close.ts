import type { FastifyInstance } from 'fastify';

/**
 * While the server closes, Fastify lets requests in flight finish but leaves their keep-alive
 * connections open until the keep-alive timeout (72 s), so a shutdown would wait that long.
 * Answering with `Connection: close` once closing has begun lets each connection end with its response.
 */
export function drainConnectionsOnClose(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
}
