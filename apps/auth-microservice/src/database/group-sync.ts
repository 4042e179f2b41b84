import { type FileHandle, open, stat } from 'node:fs/promises';
import { Logger } from '@nestjs/common';

/** Makes everything written to a file so far durable (an fsync). */
export type Flush = () => Promise<void>;

/**
 * Shares flushes between callers: `sync()` resolves once a flush that started after the call has completed, so
 * whatever the caller wrote before calling is on disk. While one flush runs, every caller that arrives waits for
 * the next one, and they all share it: under load, one fsync covers many commits.
 *
 * A failed flush leaves the file's state on disk unknown (the kernel may have dropped the pages it could not write),
 * so nothing written later can be acknowledged either: every later `sync()` and `synced()` throws the same
 * error until the process restarts and the database recovers from what is on disk.
 */
export class GroupSync {
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly flush: Flush,
    private readonly release: () => Promise<void> = () => Promise.resolve(),
  ) {}

  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.running === undefined) return (this.running = this.start());
    return (this.queued ??= this.afterRunning(this.running));
  }

  /** Resolves once every write a `sync()` was asked for so far is durable; throws if a flush failed. */
  async synced(): Promise<void> {
    if (this.failure) throw this.failure;
    await (this.queued ?? this.running);
  }

  /** Waits for the flushes under way (their outcome is their callers' business). */
  async settle(): Promise<void> {
    while (this.running || this.queued) await (this.queued ?? this.running)?.catch(() => undefined);
  }

  /** After the flushes under way, lets go of what the flush holds (the open file). */
  async close(): Promise<void> {
    await this.settle();
    await this.release();
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.flushOnce().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    return run;
  }

  private async flushOnce(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.failure = new FlushError(error);
      new Logger('Database').error(`${this.failure.message}: ${String(error)}`);
      throw this.failure;
    }
  }

  /** The flush under way may have started before the caller's write: the next one, shared by all who wait. */
  private async afterRunning(running: Promise<void>): Promise<void> {
    await running.catch(() => undefined);
    this.queued = undefined;
    if (this.failure) throw this.failure;
    // Someone may have started a flush in between: it too began after every waiting caller's write.
    return (this.running ??= this.start());
  }
}

/** A flush failed: `code` is SQLite's name for it, so that callers report the database as unavailable (503). */
export class FlushError extends Error {
  readonly code = 'SQLITE_IOERR_FSYNC';

  constructor(cause: unknown) {
    super(`fsync of the database's write-ahead log failed; no write is acknowledged until a restart`, { cause });
  }
}

/**
 * fsync of the file at `path`, opened on first use (SQLite creates its write-ahead log with the first write) and
 * kept open. Should the file ever be replaced (another inode at the path), the new one is opened and flushed too.
 * No file at the path means nothing was written there, so there is nothing to flush.
 */
export function fileFlusher(path: string): { flush: Flush; close: () => Promise<void> } {
  let handle: { file: FileHandle; inode: number } | undefined;
  const reopen = async () => {
    await handle?.file.close();
    handle = undefined;
    const file = await open(path, 'r').catch(unlessMissing);
    if (file) handle = { file, inode: (await file.stat()).ino };
    return handle;
  };
  return {
    flush: async () => {
      const current = handle ?? (await reopen());
      if (!current) return;
      await current.file.sync();
      const now = await stat(path).catch(unlessMissing);
      if (now?.ino !== current.inode) await (await reopen())?.file.sync();
    },
    close: async () => {
      await handle?.file.close();
      handle = undefined;
    },
  };
}

function unlessMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}
