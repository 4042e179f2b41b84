import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { banner, enableGracefulShutdown, loadConfigOrExit, ShutdownState } from '@nestjs-microservices/runtime';
import { AppModule } from './app.module';
import { ExampleConfig, exampleEnvSchema } from './config/example-config';
import { serveDemoWeb } from './demo-web/demo-web';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(exampleEnvSchema, (env) => new ExampleConfig(env));
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config),
    new FastifyAdapter({ bodyLimit: 16_384 }),
  );
  app.setGlobalPrefix('api');
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
  enableGracefulShutdown(app, {
    timeoutMs: config.shutdownTimeoutMs,
    drainDelayMs: config.shutdownDrainDelayMs,
    state: app.get(ShutdownState),
    logger: new Logger('Shutdown'),
  });
  await serveDemoWeb(app, config);
  await app.listen(config.port, config.host);
  Logger.log(
    banner('Example service ready', {
      demo: `http://${config.host}:${config.port}/ (gateway for the page: ${config.publicGatewayUrl})`,
      notes: `http://${config.host}:${config.port}/api/notes`,
      keys: config.tokenAuth.jwksUrl,
      revocations: config.tokenAuth.revocations?.url ?? 'off (REVOCATION_FEED_TOKEN)',
    }),
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  Logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
