/**
 * Baseline A: a bare Fastify 5 server answering a constant JSON body, with no logging, hooks or plugins. Started by
 * the bench in its own process (`PORT` from the environment) so it never shares an event loop with the load
 * generator; stops on SIGTERM.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', () => ({ status: 'ok' }));

app.listen({ host: '127.0.0.1', port: Number(process.env['PORT']) }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

process.once('SIGTERM', () => {
  app
    .close()
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});
