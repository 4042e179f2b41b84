import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfigOrExit, nestLogLevels } from '@nestjs-microservices/runtime';
import { AppModule } from './app.module';
import { GatewayConfig, gatewayEnvSchema } from './config/gateway-config';

async function bootstrap(): Promise<void> {
  const config = new GatewayConfig(loadConfigOrExit(gatewayEnvSchema));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    new FastifyAdapter({ bodyLimit: config.http.bodyLimitBytes }),
    { logger: nestLogLevels(config.logLevel) },
  );
  // A JSON API: a body of any other type is refused with 415 instead of reaching validation as a string.
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  Logger.log(
    `API gateway listening on http://${config.http.host}:${config.http.port}/api (auth service at tcp://${config.auth.host}:${config.auth.port})`,
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
