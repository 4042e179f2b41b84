import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { LogLevel, ProcessConfig } from '../env-schema';
import { escapeLogFields, escapeLogText } from './log-text';
import { requestContext } from './request-context';

export interface LoggingOptions {
  service: string;
}

const PINO_LEVEL: Record<LogLevel, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Paths that must never reach a log line even if some code logs a whole object by mistake.
 * Bodies are never logged; these cover headers and anything named like a secret.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.passwordHash',
  '*.password_hash',
  '*.refreshToken',
  '*.accessToken',
  '*.privateKey',
];

/** The pino options of both apps: JSON (pretty in development), redaction, and the request id of the current call. */
export function pinoOptions(config: ProcessConfig, service: string): LoggerOptions {
  return {
    level: PINO_LEVEL[config.logLevel],
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Every line written while an RPC call is served carries its request id (HTTP lines pass theirs explicitly).
    mixin: () => {
      const context = requestContext.getStore();
      return context ? { requestId: context.requestId } : {};
    },
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: (error: Error) => escapeLogFields(pino.stdSerializers.err(error) as unknown as Record<string, unknown>),
    },
    // No line can be forged: every string reaching a line, message and fields alike, is escaped and bounded.
    hooks: {
      logMethod(args: unknown[], method: (...args: unknown[]) => void): void {
        for (let index = 0; index < args.length; index++) {
          const arg = args[index];
          if (typeof arg === 'string') args[index] = escapeLogText(arg);
        }
        method.apply(this, args);
      },
    },
    formatters: { log: (fields) => escapeLogFields(fields) },
    ...(config.nodeEnv === 'development' && {
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    }),
  };
}

/** Lines are written in batches of at least this many bytes… */
export const LOG_BATCH_BYTES = 4096;
/** …or of whatever has accumulated after this long, so a quiet process's lines still appear promptly. */
export const LOG_FLUSH_INTERVAL_MS = 100;

/**
 * The root logger. JSON lines go to stdout in batches of `LOG_BATCH_BYTES`, each one write(2) from the event loop:
 * at one access line per request, a write per line costs the gateway more than the batches do, and handing each
 * batch to libuv's thread pool (pino's asynchronous mode) costs more than writing it, a thread wake-up per batch
 * (measured in docs/performance.md). What is pending is written when the process exits (pino does that only for
 * asynchronous destinations, so it is done here: otherwise the error lines before a `process.exit(1)` at start-up
 * were lost); a SIGKILL can lose the lines of the last `LOG_FLUSH_INTERVAL_MS`.
 */
export function createLogger(config: ProcessConfig, service: string): Logger {
  const options = pinoOptions(config, service);
  if (options.transport) {
    try {
      return pino(options);
    } catch {
      // pino-pretty is a development dependency: a production install (`npm ci --omit=dev`) run without
      // NODE_ENV=production has none, and writes JSON lines instead of failing to start.
      delete options.transport;
    }
  }
  const destination = pino.destination({
    dest: 1,
    sync: true,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  flushAtExit(destination);
  return pino(options, destination);
}

type Destination = ReturnType<typeof pino.destination>;
const unflushed = new Set<Destination>();

function flushAtExit(destination: Destination): void {
  if (unflushed.size === 0) {
    process.once('exit', () => {
      for (const pending of unflushed) {
        try {
          pending.flushSync();
        } catch {
          // Already closed, or stdout is gone: nothing more can be written.
        }
      }
    });
  }
  unflushed.add(destination);
}

/**
 * The root pino logger, for the few lines written so often that they skip Nest's `Logger` and the redaction paths
 * (the access line, the auth service's line per call). Only for lines built from fields that cannot hold a secret.
 */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Module({})
class RootLoggerModule {}

/**
 * Structured logging with pino: pretty lines in development, JSON otherwise. Nest's `Logger` (nestjs-pino) writes
 * through one pino instance, also injectable as `ROOT_LOGGER`. An HTTP app adds the access log with
 * `registerAccessLog` (Fastify hooks); an RPC server puts each call's meta in `requestContext`.
 */
export function loggingModule(config: ProcessConfig, options: LoggingOptions): DynamicModule {
  const logger = createLogger(config, options.service);
  // `useExisting` with no routes: nestjs-pino adds no middleware of its own, and its Logger writes to `logger`.
  const nestjsPino = LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] });
  return {
    module: RootLoggerModule,
    global: true,
    imports: [nestjsPino],
    providers: [{ provide: ROOT_LOGGER, useValue: logger }],
    exports: [ROOT_LOGGER],
  };
}
