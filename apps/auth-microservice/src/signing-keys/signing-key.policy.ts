import type { SigningKey } from './signing-key';

/**
 * Which key signs, which keys are published, when to rotate and what to forget: pure functions of the stored keys
 * and the clock, so every instance decides the same way.
 *
 * Keys are ordered by `generation`. A key signs from its `activatesAt` until the next generation activates; it
 * then stays published for `horizonMs` more (the longest an access token it signed can still be accepted).
 */
export function signingKeyAt<K extends SigningKey>(keys: readonly K[], now: Date): K | undefined {
  return newest(keys.filter((key) => key.activatesAt <= now));
}

function newest<K extends SigningKey>(keys: readonly K[]): K | undefined {
  return keys.reduce<K | undefined>((best, key) => (best && best.generation > key.generation ? best : key), undefined);
}

/** When a key stopped signing: the activation of the first later key that is active, if any. */
function retiredAt(keys: readonly SigningKey[], key: SigningKey, now: Date): Date | undefined {
  const successors = keys.filter((other) => other.generation > key.generation && other.activatesAt <= now);
  if (successors.length === 0) return undefined;
  return new Date(Math.min(...successors.map((other) => other.activatesAt.getTime())));
}

/** The keys a valid token may carry the kid of: pending, active, and retired less than `horizonMs` ago. */
export function publishedKeys<K extends SigningKey>(keys: readonly K[], now: Date, horizonMs: number): K[] {
  return keys
    .filter((key) => {
      const retired = retiredAt(keys, key, now);
      return retired === undefined || retired.getTime() + horizonMs > now.getTime();
    })
    .sort((a, b) => b.generation - a.generation);
}

/** Retired for longer than `horizonMs` plus a day of margin: no token signed by it can be accepted anywhere. */
export function expiredKeys<K extends SigningKey>(keys: readonly K[], now: Date, horizonMs: number): K[] {
  const margin = 86_400_000;
  return keys.filter((key) => {
    const retired = retiredAt(keys, key, now);
    return retired !== undefined && retired.getTime() + horizonMs + margin <= now.getTime();
  });
}

/** Due when there is no key, or the newest one was created `intervalMs` ago or more. */
export function isRotationDue(keys: readonly SigningKey[], now: Date, intervalMs: number): boolean {
  const latest = newest(keys);
  return latest === undefined || latest.createdAt.getTime() + intervalMs <= now.getTime();
}
