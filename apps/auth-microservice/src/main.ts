import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { banner, enableGracefulShutdown, loadConfigOrExit, ShutdownState } from '@nestjs-microservices/runtime';
import { AUTH_EVENTS } from '@nestjs-microservices/shared';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { RpcCallTracker } from './common/rpc-call-tracker';
import { migrate } from './commands/migrate.command';
import { rotateKeys } from './commands/rotate-keys.command';
import { CommandError, rolesCommand } from './commands/grant-roles.command';
import { seedUsers } from './commands/seed-users.command';
import { AuthConfig, authEnvSchema } from './config/auth-config';
import { describeDatabase } from './database/open-database';
import { ServingStatus } from './health/serving-status';
import { RevocationBroadcast } from './sessions/revocation-broadcast';
import { createAuthServer } from './transport/auth-server.factory';
import { assessInternalPort } from './transport/internal-port';

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit(authEnvSchema, (env) => new AuthConfig(env));
  const exposure = await assessInternalPort(config);
  if (exposure.refusal) {
    process.stderr.write(`${exposure.refusal}\n`);
    process.exit(1);
  }
  const server = createAuthServer(config, exposure);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule.register(config), {
    strategy: server.strategy,
    bufferLogs: true,
  });
  server.strategy.trackCalls(app.get(RpcCallTracker));
  const logger = app.get(Logger);
  app.useLogger(logger);
  enableGracefulShutdown(app, {
    timeoutMs: config.shutdownTimeoutMs,
    drainDelayMs: config.shutdownDrainDelayMs,
    state: app.get(ShutdownState),
    logger,
  });
  if (server.exposedWithoutTls) {
    const { host, port } = config.tcp;
    logger.warn(
      `!!! The auth service listens on ${host}:${port} WITHOUT TLS. Anyone who can reach this port can call every ` +
        'pattern and read every reply. Bind to 127.0.0.1 or set AUTH_TLS_CA, AUTH_TLS_CERT and AUTH_TLS_KEY (mutual TLS); ' +
        'NODE_ENV=production refuses to start like this. !!!',
      'Security',
    );
  }
  await app.listen();
  app.get(ServingStatus).follow(app.status);
  const { publishEvent } = server;
  if (publishEvent) {
    app.get(RevocationBroadcast).attach((ended) => publishEvent(AUTH_EVENTS.sessionsRevoked, ended));
  }
  logger.log(
    banner('Auth microservice ready', {
      transport: server.description,
      storage: describeDatabase(config.database.url),
      metrics: config.metrics.port ? `http://${config.metrics.host}:${config.metrics.port}/metrics` : 'off',
    }),
    'Bootstrap',
  );
}

const COMMANDS: Record<string, (config: AuthConfig) => Promise<void>> = {
  migrate,
  'keys:rotate': rotateKeys,
  'users:seed': seedUsers,
  'users:grant': rolesCommand('grant'),
  'users:revoke': rolesCommand('revoke'),
};

/** `main.js` serves; `main.js <command>` runs one maintenance command with the same configuration and exits. */
function run(command: string | undefined): Promise<void> {
  if (command === undefined) return bootstrap();
  const handler = COMMANDS[command];
  if (!handler) {
    return Promise.reject(new Error(`Unknown command "${command}"; known: ${Object.keys(COMMANDS).join(', ')}`));
  }
  return handler(loadConfigOrExit(authEnvSchema, (env) => new AuthConfig(env)));
}

run(process.argv[2]).catch((error: unknown) => {
  if (error instanceof CommandError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  NestLogger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'Bootstrap');
  process.exit(1);
});
