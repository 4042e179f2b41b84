import type { IncomingMessage } from 'node:http';
import { type DynamicModule, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
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

/** Structured logging with pino: pretty lines in development, JSON otherwise, a request id on every line. */
export function loggingModule(config: ProcessConfig, options: LoggingOptions): DynamicModule {
  const pinoHttp: Options<RequestWithId> = {
    level: PINO_LEVEL[config.logLevel],
    base: { service: options.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Lines written while serving an RPC call carry its request id; pino-http binds it for HTTP requests.
    mixin: () => {
      const context = requestContext.getStore();
      return context ? { requestId: context.requestId } : {};
    },
    customAttributeKeys: { reqId: 'requestId' },
    // The gateway's Fastify has already chosen the id (a well-formed X-Request-Id, or a new UUID).
    genReqId: (req) => (typeof req.id === 'string' ? req.id : 'unknown'),
    quietReqLogger: true,
    autoLogging: options.http,
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
  // `{*path}`: NestJS 11's route syntax for "everything" (nestjs-pino's default `*` draws a deprecation warning).
  return LoggerModule.forRoot({ pinoHttp, forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }] });
}
