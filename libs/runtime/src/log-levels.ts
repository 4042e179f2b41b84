import type { LogLevel as NestLogLevel } from '@nestjs/common';
import { LOG_LEVELS, type LogLevel } from './env-schema';

/** `warn` → ['fatal', 'error', 'warn']: the level and everything more severe. */
export function nestLogLevels(level: LogLevel): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}
