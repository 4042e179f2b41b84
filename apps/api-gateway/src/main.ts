import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { banner, enableGracefulShutdown, loadConfigOrExit } from '@nestjs-microservices/runtime';
import { REQUEST_ID_HEADER } from '@nestjs-microservices/shared';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { drainConnectionsOnClose } from './common/drain-on-close';
import { requestIdFor } from './common/request-id';
import { GatewayConfig, gatewayEnvSchema } from './config/gateway-config';
import { setupDocs } from './docs/setup-docs';
import { recordHttpMetrics } from './metrics/http-metrics.hook';
import { HttpMetrics } from './metrics/http.metrics';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(gatewayEnvSchema, (env) => new GatewayConfig(env));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes, genReqId: requestIdFor, requestIdHeader: false }),
    { bufferLogs: true },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // A JSON API: a body of any other type is refused with 415 instead of reaching validation as a string.
  fastify.removeContentTypeParser('text/plain');
  recordHttpMetrics(fastify, app.get(HttpMetrics));
  // Prometheus scrapes /metrics at the root, where it looks for it by default.
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  drainConnectionsOnClose(fastify);
  enableGracefulShutdown(app, { timeoutMs: config.shutdownTimeoutMs, logger });
  setupDocs(app);
  await app.listen(config.http.port, config.http.host);
  const base = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  logger.log(
    banner('API gateway ready', {
      api: `${base}/api`,
      docs: `${base}/api/docs`,
      metrics: `${base}/metrics`,
      'auth service': `tcp://${config.auth.host}:${config.auth.port} (NestJS TCP transport${config.auth.tls ? ', mutual TLS' : ''})`,
    }),
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  NestLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
