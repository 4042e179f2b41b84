import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { banner, enableGracefulShutdown, loadConfigOrExit, ShutdownState } from '@nestjs-microservices/runtime';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { describeAuthTransport } from './auth/auth-client.module';
import { configureHttpServer, createHttpAdapter } from './common/http-server';
import { GatewayConfig, gatewayEnvSchema } from './config/gateway-config';
import { setupDocs } from './docs/setup-docs';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(gatewayEnvSchema, (env) => new GatewayConfig(env));
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), createHttpAdapter(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  configureHttpServer(app, config);
  enableGracefulShutdown(app, {
    timeoutMs: config.shutdownTimeoutMs,
    drainDelayMs: config.shutdownDrainDelayMs,
    state: app.get(ShutdownState),
    logger,
  });
  if (config.docs.enabled) setupDocs(app);
  await app.listen(config.http.port, config.http.host);
  const base = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}`;
  const { metrics } = config;
  logger.log(
    banner('API gateway ready', {
      api: `${base}/api`,
      docs: config.docs.enabled ? `${base}/api/docs` : 'off (DOCS_ENABLED)',
      metrics: !metrics.enabled
        ? 'off (METRICS_ENABLED)'
        : metrics.port === undefined
          ? `${base}/metrics`
          : `http://${metrics.host}:${metrics.port}/metrics`,
      'auth service': describeAuthTransport(config),
    }),
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  NestLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
