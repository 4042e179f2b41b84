import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DynamicModule,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type { LogLevel, ProcessConfig } from '../env-schema';
import { escapeLogFields, escapeLogText } from './log-text';
import { requestContext } from './request-context';

export interface LoggingOptions {
  service: string;
  /** Log one line per HTTP request (the gateway). */
  http: boolean;
  /**
   * Paths that machines poll (probes, key sets, the revocation feed): their successful requests are logged at
   * `debug`, so a poll every second does not fill the log at the default level.
   */
  quietPaths?: readonly string[];
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

type RequestWithId = IncomingMessage & { id?: unknown };

/** The pino options of both apps: JSON (pretty in development), redaction, and the request id of the current call. */
export function pinoOptions(config: ProcessConfig, service: string): LoggerOptions {
  return {
    level: PINO_LEVEL[config.logLevel],
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Every line written while serving a request (HTTP, or an RPC call) carries its request id.
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
 * The root logger. JSON lines go to stdout through an asynchronous destination that writes them in batches, instead
 * of one blocking write(2) per line (a quarter of the gateway's throughput at one access line per request); even
 * unbatched asynchronous writes cost the gateway 7% of its CPU. pino flushes what is pending synchronously when the
 * process exits; a SIGKILL can lose the lines of the last `LOG_FLUSH_INTERVAL_MS`.
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
    sync: false,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  return pino(options, destination);
}

/**
 * The access log and the request context, as one Nest middleware: the request id (Fastify has chosen it: a
 * well-formed X-Request-Id, or a new UUID) is put in `requestContext` for everything that runs for the request, and
 * one line per request is written when the response is done (`request completed`; `request errored` for a 5xx).
 *
 * It replaces pino-http, which made two child loggers per request (their bindings serialised through the redaction
 * paths) whatever the level. The access line holds method, URL, status and time only — nothing the redaction paths
 * could match — so it is written by a child without redaction, which costs a fraction of a redacted line.
 */
export function requestLogging(logger: Logger, quietPaths: ReadonlySet<string> = new Set()) {
  const accessLog = logger.child({}, { redact: [] });
  return (req: RequestWithId, res: ServerResponse, next: () => void): void => {
    const requestId = typeof req.id === 'string' ? req.id : 'unknown';
    if (accessLog.isLevelEnabled('info')) {
      const started = Date.now();
      const done = () => {
        res.removeListener('finish', done);
        res.removeListener('close', done);
        const line = {
          requestId,
          req: { method: req.method, url: req.url },
          res: { statusCode: res.statusCode },
          responseTime: Date.now() - started,
        };
        if (res.statusCode >= 500) accessLog.error(line, 'request errored');
        else if (res.statusCode < 400 && quietPaths.has(pathOf(req.url))) accessLog.debug(line, 'request completed');
        else accessLog.info(line, 'request completed');
      };
      res.once('finish', done);
      res.once('close', done);
    }
    requestContext.run({ requestId }, next);
  };
}

const pathOf = (url: string | undefined): string => (url ?? '').split('?', 1)[0];

/**
 * The root pino logger, for the few lines written so often that they skip Nest's `Logger` and the redaction paths
 * (the access line, the auth service's line per call). Only for lines built from fields that cannot hold a secret.
 */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
const QUIET_PATHS = Symbol('QUIET_PATHS');

/** Applies `requestLogging` to every route of an HTTP app. */
@Module({})
class RequestLoggingModule implements NestModule {
  constructor(
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    @Inject(QUIET_PATHS) private readonly quietPaths: readonly string[],
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    // `{*path}`: NestJS 11's route syntax for "everything".
    consumer
      .apply(requestLogging(this.logger, new Set(this.quietPaths)))
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

@Module({})
class RootLoggerModule {}

/**
 * Structured logging with pino: pretty lines in development, JSON otherwise, a request id on every line. Nest's
 * `Logger` (nestjs-pino) writes through one pino instance, also injectable as `ROOT_LOGGER`; an HTTP app also gets
 * the access log and request context.
 */
export function loggingModule(config: ProcessConfig, options: LoggingOptions): DynamicModule {
  const logger = createLogger(config, options.service);
  // `useExisting` with no routes: nestjs-pino adds no middleware of its own, and its Logger writes to `logger`.
  const nestjsPino = LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] });
  return {
    module: options.http ? RequestLoggingModule : RootLoggerModule,
    global: true,
    imports: [nestjsPino],
    providers: [
      { provide: ROOT_LOGGER, useValue: logger },
      { provide: QUIET_PATHS, useValue: options.quietPaths ?? [] },
    ],
    exports: [ROOT_LOGGER],
  };
}
