import { z } from 'zod';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

export const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const host = (fallback: string) => z.string().trim().min(1).default(fallback);

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const DURATION_UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `900ms`, `30s`, `15m`, `12h`, `14d` → milliseconds; `undefined` for anything else. */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNIT_MS[match[2] as keyof typeof DURATION_UNIT_MS];
}

/** The milliseconds of `min` and `max`, checked once when a schema is built. */
function durationBounds(...bounds: string[]): number[] {
  const ms = bounds.map(parseDuration);
  if (ms.some((value) => value === undefined)) throw new Error(`Bad duration bounds: ${bounds.join(', ')}`);
  return ms as number[];
}

/** A string with a unit → milliseconds within [minMs, maxMs], or an issue. */
const durationValue = (min: string, max: string, minMs: number, maxMs: number) =>
  z.string().transform((value, context) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      context.addIssue({ code: 'custom', message: 'must be a number with a unit: ms, s, m, h or d (e.g. 15m)' });
      return z.NEVER;
    }
    if (ms < minMs || ms > maxMs) {
      context.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
      return z.NEVER;
    }
    return ms;
  });

/** A duration with its unit (`ms`, `s`, `m`, `h`, `d`), as milliseconds, between `min` and `max` (same syntax). */
export const duration = (fallback: string, min: string, max: string) => {
  const [, minMs, maxMs] = durationBounds(fallback, min, max);
  return z
    .string()
    .default(fallback)
    .pipe(durationValue(min, max, minMs, maxMs))
    .meta({ values: `${min} – ${max}` });
};

/** Like `duration`, but `undefined` when unset: for a default that depends on other settings (e.g. NODE_ENV). */
export const optionalDuration = (min: string, max: string) => {
  const [minMs, maxMs] = durationBounds(min, max);
  return durationValue(min, max, minMs, maxMs)
    .optional()
    .meta({ values: `${min} – ${max}` });
};

/**
 * ACCESS_TOKEN_TTL, the same setting on both apps: the auth service issues access tokens for this long, and every
 * verifier (gateway and auth service) refuses a token claiming a longer lifetime.
 */
export const accessTokenTtl = () => duration('15m', '1s', '24h');

/** SHUTDOWN_DRAIN_DELAY when unset: load balancers need a few seconds to stop sending; locally nothing waits. */
export const DEFAULT_DRAIN_DELAY_MS = { production: 5_000, otherwise: 0 } as const;

/** Settings every process has. */
export const baseEnvSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'])
    .default('development')
    .describe(
      '`development` (pretty logs), `production` (JSON logs and stricter checks: see docs/configuration.md) or `test` (JSON logs)',
    ),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('log').describe('the lowest level logged; routine polls log at `debug`'),
  SHUTDOWN_TIMEOUT_MS: integer(10_000, 100, 120_000).describe(
    'on SIGTERM/SIGINT, how long in-flight work may take before the process gives up and exits 1',
  ),
  SHUTDOWN_DRAIN_DELAY: optionalDuration('0s', '5m').meta({
    description:
      'after SIGTERM the process reports not ready but still serves this long, then drains (within `SHUTDOWN_TIMEOUT_MS`) and exits',
    defaultText: '`5s` with `NODE_ENV=production`, else `0s`',
  }),
});

/** `true`/`false` (also `1`/`0`, `yes`/`no`), case-insensitive. */
export const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'YES', 'NO'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes'].includes(value.toLowerCase()))
    .meta({ values: '`true`, `false` (or `1`/`0`, `yes`/`no`)' });

/** Like `flag`, but `undefined` when unset: for a default that depends on other settings (e.g. NODE_ENV). */
export const optionalFlag = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'YES', 'NO'])
    .optional()
    .transform((value) => (value === undefined ? undefined : ['true', '1', 'yes'].includes(value.toLowerCase())))
    .meta({ values: '`true`, `false` (or `1`/`0`, `yes`/`no`)' });

/** A comma-separated list; empty means none; unset means `fallback`. Each item must pass `item`. */
export const list = (item: z.ZodString, fallback = '') =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item))
    .meta({ values: 'comma-separated list' });

export type BaseEnv = z.output<typeof baseEnvSchema>;

/** SHUTDOWN_DRAIN_DELAY, or its default for NODE_ENV. */
export function shutdownDrainDelayMs(env: Pick<BaseEnv, 'NODE_ENV' | 'SHUTDOWN_DRAIN_DELAY'>): number {
  if (env.SHUTDOWN_DRAIN_DELAY !== undefined) return env.SHUTDOWN_DRAIN_DELAY;
  return env.NODE_ENV === 'production' ? DEFAULT_DRAIN_DELAY_MS.production : DEFAULT_DRAIN_DELAY_MS.otherwise;
}

/** What every process's typed config has; each app's config class extends it. */
export class ProcessConfig {
  readonly nodeEnv: BaseEnv['NODE_ENV'];
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
  /** After SIGTERM: reported not ready but still serving for this long, before draining. */
  readonly shutdownDrainDelayMs: number;

  constructor(env: BaseEnv) {
    this.nodeEnv = env.NODE_ENV;
    this.logLevel = env.LOG_LEVEL;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.shutdownDrainDelayMs = shutdownDrainDelayMs(env);
  }
}
