import { setTimeout as delay } from 'node:timers/promises';

export const sleep = (ms: number): Promise<void> => delay(ms);

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new Error('median of an empty list');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds since `start` (a `performance.now()` value). */
export function elapsedSince(start: number): number {
  return performance.now() - start;
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  description: string;
}

/**
 * Calls `attempt` until it returns a value other than `undefined`, or throws once `timeoutMs` has
 * passed. The last value/error seen is included in the timeout error.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const { timeoutMs, intervalMs = 100, description } = options;
  const deadline = performance.now() + timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      const result = await attempt();
      if (result !== undefined) {
        return result;
      }
      last = 'attempt returned undefined';
    } catch (error) {
      last = describeError(error);
    }
    if (performance.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description} (last: ${last})`);
    }
    await sleep(intervalMs);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
