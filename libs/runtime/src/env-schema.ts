import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

export const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const host = (fallback: string) => z.string().trim().min(1).default(fallback);

/** Settings every process has. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('log'),
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 100, 120_000),
});

/** `true`/`false` (also `1`/`0`, `yes`/`no`), case-insensitive. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'YES', 'NO'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes'].includes(value.toLowerCase()));

/** A comma-separated list; empty (or unset) means none. Each item must pass `item`. */
export const list = (item: z.ZodString) =>
  z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

export type BaseEnv = z.output<typeof baseEnvSchema>;

/** What every process's typed config has; each app's config class extends it. */
export class ProcessConfig {
  readonly nodeEnv: BaseEnv['NODE_ENV'];
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;

  constructor(env: BaseEnv) {
    this.nodeEnv = env.NODE_ENV;
    this.logLevel = env.LOG_LEVEL;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
  }
}
