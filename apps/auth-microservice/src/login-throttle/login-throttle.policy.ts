export interface ThrottleSettings {
  /** Failures of one client on one account before each further attempt must wait. */
  threshold: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures on one account per window beyond which unknown clients that have failed are not heard. */
  accountMaxFailures: number;
  windowMs: number;
}

/** What the failures of the last window say about one account and one client. */
export interface FailureStats {
  accountFailures: number;
  oldestAccountFailureAt?: Date;
  clientFailures: number;
  lastClientFailureAt?: Date;
  /** The client logged in on this account recently (see `LoginThrottle`): the account cap does not apply to it. */
  knownClient: boolean;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * Progressive delay, never a lock: a client that keeps failing on an account waits twice as long after
 * each further failure (up to `maxDelayMs`), while a client that has not failed is always heard. Once an
 * account has had `accountMaxFailures` in the window, unknown clients that have failed on it are not heard
 * at all until the window moves on: at most that many guesses per window are checked, plus one per client
 * never seen failing. A known client (one that logged in on the account recently) keeps its own budget
 * whatever the account's count: attackers elsewhere cannot lock the owner out of their own devices.
 * The caller records each allowed attempt as a failure before checking it, so the counts include attempts
 * still in flight.
 */
export function decide(stats: FailureStats, now: Date, settings: ThrottleSettings): ThrottleDecision {
  if (stats.clientFailures === 0) return { allowed: true };
  if (!stats.knownClient && stats.accountFailures >= settings.accountMaxFailures && stats.oldestAccountFailureAt) {
    const windowEnd = stats.oldestAccountFailureAt.getTime() + settings.windowMs;
    return { allowed: false, retryAfterMs: Math.max(1_000, windowEnd - now.getTime()) };
  }
  if (stats.clientFailures < settings.threshold || !stats.lastClientFailureAt) return { allowed: true };
  const doublings = Math.min(stats.clientFailures - settings.threshold, 30);
  const delay = Math.min(settings.baseDelayMs * 2 ** doublings, settings.maxDelayMs);
  const waited = now.getTime() - stats.lastClientFailureAt.getTime();
  return waited >= delay ? { allowed: true } : { allowed: false, retryAfterMs: delay - waited };
}
