import { decide, type FailureStats, type ThrottleSettings } from './login-throttle.policy';

const SETTINGS: ThrottleSettings = {
  threshold: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  accountMaxFailures: 100,
  windowMs: 3_600_000,
};
const NOW = new Date('2026-01-01T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const stats = (overrides: Partial<FailureStats>): FailureStats => ({
  accountFailures: 0,
  clientFailures: 0,
  knownClient: false,
  ...overrides,
});

describe('decide (brute-force policy)', () => {
  it('hears a client below the threshold at once', () => {
    expect(
      decide(stats({ accountFailures: 4, clientFailures: 4, lastClientFailureAt: ago(0) }), NOW, SETTINGS),
    ).toEqual({
      allowed: true,
    });
  });

  it.each([
    [5, 1_000],
    [6, 2_000],
    [8, 8_000],
    [20, 60_000],
  ])('makes a client with %i failures wait %i ms after its last one', (failures, delay) => {
    const fresh = stats({ accountFailures: failures, clientFailures: failures, lastClientFailureAt: ago(0) });
    expect(decide(fresh, NOW, SETTINGS)).toEqual({ allowed: false, retryAfterMs: delay });
    const waited = stats({ accountFailures: failures, clientFailures: failures, lastClientFailureAt: ago(delay) });
    expect(decide(waited, NOW, SETTINGS)).toEqual({ allowed: true });
  });

  it('never stops a client that has not failed, even on an account under attack', () => {
    expect(decide(stats({ accountFailures: 5_000, oldestAccountFailureAt: ago(10) }), NOW, SETTINGS)).toEqual({
      allowed: true,
    });
  });

  it('hears a known client that has failed, on its own budget, when the account had its maximum of failures', () => {
    const capped = { accountFailures: 5_000, oldestAccountFailureAt: ago(10), knownClient: true };
    expect(decide(stats({ ...capped, clientFailures: 4, lastClientFailureAt: ago(0) }), NOW, SETTINGS)).toEqual({
      allowed: true,
    });
    expect(decide(stats({ ...capped, clientFailures: 6, lastClientFailureAt: ago(500) }), NOW, SETTINGS)).toEqual({
      allowed: false,
      retryAfterMs: 1_500,
    });
  });

  it('hears no unknown failing client once the account had its maximum of failures, until the window moves on', () => {
    const capped = stats({
      accountFailures: 100,
      oldestAccountFailureAt: ago(3_000_000),
      clientFailures: 1,
      lastClientFailureAt: ago(3_000_000),
    });
    expect(decide(capped, NOW, SETTINGS)).toEqual({ allowed: false, retryAfterMs: 600_000 });
  });
});
