import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './database';
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

/** What every started system of a suite is built on: a work directory and a test database, undone by `teardown`. */
export interface TestRun {
  workDir: string;
  database: TestDatabase;
  /** Register what `build` starts, so `teardown` stops it first. */
  cleanups: Teardown;
  teardown: () => Promise<void>;
}

/**
 * Creates a suite's work directory and test database, then runs `build` on them. If any step fails, everything set
 * up so far is undone before the error is rethrown, so a suite that cannot start leaves no process or database.
 */
export async function openTestRun<T>(suite: string, build: (run: TestRun) => Promise<T>): Promise<T> {
  const workDir = await mkdtemp(join(tmpdir(), `e2e-${suite}-`));
  const cleanups = new Teardown(suite);
  cleanups.add(() => rm(workDir, { recursive: true, force: true }));
  const teardown = (): Promise<void> => cleanups.run();
  try {
    const database = await createTestDatabase(suite);
    cleanups.add(() => database.dispose());
    return await build({ workDir, database, cleanups, teardown });
  } catch (error) {
    await teardown().catch(() => undefined);
    throw error;
  }
}
