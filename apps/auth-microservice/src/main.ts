import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { banner, enableGracefulShutdown, loadConfigOrExit } from '@nestjs-microservices/runtime';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AuthTcpServer } from './common/auth-tcp-server';
import { AuthConfig, authEnvSchema } from './config/auth-config';
import { describeDatabase } from './database/open-database';

async function bootstrap(): Promise<void> {
  const config = new AuthConfig(loadConfigOrExit(authEnvSchema));
  const { host, port, maxFrameBytes, incompleteMessageTimeoutMs } = config.tcp;
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule.register(config), {
    strategy: new AuthTcpServer({
      host,
      port,
      maxFrameLength: maxFrameBytes,
      incompleteMessageTimeoutMs,
      maxSendBufferBytes: 4 * maxFrameBytes,
    }),
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  enableGracefulShutdown(app, { timeoutMs: config.shutdownTimeoutMs, logger });
  await app.listen();
  logger.log(
    banner('Auth microservice ready', {
      transport: `tcp://${host}:${port} (NestJS TCP transport)`,
      storage: describeDatabase(config.database.url),
      metrics: config.metrics.port ? `http://${config.metrics.host}:${config.metrics.port}/metrics` : 'off',
    }),
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  NestLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
