import { z } from 'zod';
import { baseEnvSchema, duration, parseDuration, ProcessConfig } from './env-schema';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['12h', 43_200_000],
    ['14d', 1_209_600_000],
    [' 2s ', 2_000],
  ])('%p → %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '15', 'm', '1.5h', '-1s', '10 m', '1w', '1e3ms'])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('duration', () => {
  const schema = z.object({ TTL: duration('15m', '1s', '1d') });

  it('applies the default', () => {
    expect(schema.parse({}).TTL).toBe(900_000);
  });

  it('names the unit rule and the bounds when refusing', () => {
    expect(schema.safeParse({ TTL: '900' }).error?.issues[0]?.message).toMatch(/unit: ms, s, m, h or d/);
    expect(schema.safeParse({ TTL: '2d' }).error?.issues[0]?.message).toBe('must be between 1s and 1d');
    expect(schema.safeParse({ TTL: '500ms' }).error?.issues[0]?.message).toBe('must be between 1s and 1d');
  });
});

describe('SHUTDOWN_DRAIN_DELAY', () => {
  const drainDelay = (env: Record<string, string>) => new ProcessConfig(baseEnvSchema.parse(env)).shutdownDrainDelayMs;

  it('defaults to 5 s with NODE_ENV=production and to 0 otherwise', () => {
    expect(drainDelay({ NODE_ENV: 'production' })).toBe(5_000);
    expect(drainDelay({})).toBe(0);
    expect(drainDelay({ NODE_ENV: 'test' })).toBe(0);
  });

  it('takes a duration with its unit, 0s included, and refuses anything else', () => {
    expect(drainDelay({ NODE_ENV: 'production', SHUTDOWN_DRAIN_DELAY: '0s' })).toBe(0);
    expect(drainDelay({ SHUTDOWN_DRAIN_DELAY: '1500ms' })).toBe(1_500);
    expect(baseEnvSchema.safeParse({ SHUTDOWN_DRAIN_DELAY: '5' }).success).toBe(false);
    expect(baseEnvSchema.safeParse({ SHUTDOWN_DRAIN_DELAY: '6m' }).success).toBe(false);
  });
});
