import { z } from 'zod';
import { duration, parseDuration } from './env-schema';

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
