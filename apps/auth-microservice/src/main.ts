import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { loadConfigOrExit } from '@nestjs-microservices/runtime';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AuthTcpServer } from './common/auth-tcp-server';
import { AuthConfig, authEnvSchema } from './config/auth-config';

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
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen();
  NestLogger.log(`Auth microservice listening on tcp://${host}:${port}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  NestLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
