import { describeError } from './util';

/**
 * What a suite must undo, in reverse order of setting up (processes first, then the database, then the directory).
 * `run()` undoes everything once, whatever fails on the way, and reports every problem together; later calls
 * return the same result.
 */
export class Teardown {
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private done: Promise<void> | undefined;

  constructor(private readonly suite: string) {}

  add(cleanup: () => Promise<unknown>): void {
    this.cleanups.push(cleanup);
  }

  run(): Promise<void> {
    this.done ??= (async () => {
      const problems: string[] = [];
      for (const cleanup of [...this.cleanups].reverse()) {
        try {
          await cleanup();
        } catch (error) {
          problems.push(describeError(error));
        }
      }
      if (problems.length) throw new Error(`Teardown of ${this.suite} had problems: ${problems.join('; ')}`);
    })();
    return this.done;
  }
}
