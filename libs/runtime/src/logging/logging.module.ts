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
import { requestContext } from './request-context';

export interface LoggingOptions {
  service: string;
  /** Log one line per HTTP request (the gateway). */
  http: boolean;
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
    },
    ...(config.nodeEnv === 'development' && {
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    }),
  };
}

/**
 * The root logger. JSON lines go to stdout through an asynchronous destination: lines written while a write is in
 * flight are batched into the next one, instead of one blocking write(2) per line (a quarter of the gateway's
 * throughput at one access line per request). pino flushes what is pending synchronously when the process exits;
 * a SIGKILL can lose the lines of the last few milliseconds.
 */
export function createLogger(config: ProcessConfig, service: string): Logger {
  const options = pinoOptions(config, service);
  return options.transport ? pino(options) : pino(options, pino.destination({ dest: 1, sync: false }));
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
export function requestLogging(logger: Logger) {
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
        else accessLog.info(line, 'request completed');
      };
      res.once('finish', done);
      res.once('close', done);
    }
    requestContext.run({ requestId }, next);
  };
}

const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');

/** Applies `requestLogging` to every route of an HTTP app. */
@Module({})
class RequestLoggingModule implements NestModule {
  constructor(@Inject(REQUEST_LOGGER) private readonly logger: Logger) {}

  configure(consumer: MiddlewareConsumer): void {
    // `{*path}`: NestJS 11's route syntax for "everything".
    consumer.apply(requestLogging(this.logger)).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

/**
 * Structured logging with pino: pretty lines in development, JSON otherwise, a request id on every line. Nest's
 * `Logger` (nestjs-pino) writes through one pino instance; an HTTP app also gets the access log and request context.
 */
export function loggingModule(config: ProcessConfig, options: LoggingOptions): DynamicModule {
  const logger = createLogger(config, options.service);
  // `useExisting` with no routes: nestjs-pino adds no middleware of its own, and its Logger writes to `logger`.
  const nestjsPino = LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] });
  if (!options.http) return nestjsPino;
  return {
    module: RequestLoggingModule,
    imports: [nestjsPino],
    providers: [{ provide: REQUEST_LOGGER, useValue: logger }],
  };
}
