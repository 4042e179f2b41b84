import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfigOrExit } from '@nestjs-microservices/runtime';
import { REQUEST_ID_HEADER } from '@nestjs-microservices/shared';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { requestIdFor } from './common/request-id';
import { GatewayConfig, gatewayEnvSchema } from './config/gateway-config';

async function bootstrap(): Promise<void> {
  const config = new GatewayConfig(loadConfigOrExit(gatewayEnvSchema));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes, genReqId: requestIdFor, requestIdHeader: false }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // A JSON API: a body of any other type is refused with 415 instead of reaching validation as a string.
  fastify.removeContentTypeParser('text/plain');
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  NestLogger.log(
    `API gateway listening on http://${config.http.host}:${config.http.port}/api (auth service at tcp://${config.auth.host}:${config.auth.port})`,
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  NestLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
