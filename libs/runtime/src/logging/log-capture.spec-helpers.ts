import { Writable } from 'node:stream';
import pino from 'pino';
import { ProcessConfig } from '../env-schema';
import { pinoOptions } from './logging.module';

/** A logger with the apps' pino options at `level`, whose JSON lines are collected (parsed) in `lines`. */
export function captureLog(level: 'log' | 'warn') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const config = new ProcessConfig({ NODE_ENV: 'production', LOG_LEVEL: level, SHUTDOWN_TIMEOUT_MS: 1_000 });
  return { lines, logger: pino(pinoOptions(config, 'gateway'), stream) };
}

/** Lets pino's stream write what is pending. */
export const flushLog = () => new Promise((resolve) => setImmediate(resolve));
