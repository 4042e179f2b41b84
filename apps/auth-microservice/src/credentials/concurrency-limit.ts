import { availableParallelism } from 'node:os';

/**
 * Runs at most `limit` tasks at once; the others wait their turn, first come first served.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a whole number ≥ 1, not ${limit}`);
  }

  /** Tasks started and not finished yet. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a free slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next task, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/**
 * How many argon2 operations may run at once: no more than the CPU cores (argon2 is pure CPU and memory work, so
 * more at once only adds memory — 19 MiB each — and contention), and no more than libuv's thread pool, which they
 * run on. On 2 cores that leaves the pool's other 2 threads free for the rest of the process's work.
 */
export function hashConcurrency(
  cores = availableParallelism(),
  threadPoolSize = Number(process.env['UV_THREADPOOL_SIZE']) || 4,
): number {
  return Math.max(1, Math.min(cores, threadPoolSize));
}
