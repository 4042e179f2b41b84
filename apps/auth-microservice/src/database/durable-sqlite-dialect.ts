import {
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  SqliteDialect,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type { GroupSync } from './group-sync';

/** What the service measures of durability (metrics); optional, so the dialect stands alone in tests. */
export interface DurabilityObserver {
  /** Runs one fsync of the log, timing it. */
  timeFlush(flush: () => Promise<void>): Promise<void>;
  /** A query or transaction that wrote is about to wait for an fsync. */
  durableWrite(): void;
}

/** Set by the database wrapper when a statement that writes runs; cleared when the connection is released. */
export class WriteFlag {
  wrote = false;
}

/**
 * Kysely's SQLite dialect with commits made durable off the event loop. SQLite runs with `synchronous = NORMAL`: a
 * commit appends to the write-ahead log without an fsync, which with `FULL` blocked the event loop for every commit
 * (~2 ms here) and serialised all of them behind the disk. Instead, a query or transaction that wrote releases the
 * connection and then waits for an fsync of the log on libuv's thread pool, shared with every commit made meanwhile;
 * only then does its promise resolve. So every write that is acknowledged is on disk, as with `FULL`.
 *
 * A read waits likewise for the fsync of every commit before it, which it may have seen: no caller learns of a
 * write before it is on disk. A crash of the process loses nothing (the log is in the page cache); a power cut can
 * lose only commits that nobody was told of.
 */
export class DurableSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly writes: WriteFlag,
    private readonly log: GroupSync,
    private readonly observer?: DurabilityObserver,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(super.createDriver(), this.writes, this.log, this.observer);
  }
}

class DurableSqliteDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly writes: WriteFlag,
    private readonly log: GroupSync,
    private readonly observer?: DurabilityObserver,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.inner.acquireConnection();
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.(connection, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(connection, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.(connection, name, compile);
  }

  /** The fsync is asked for before the connection is free for the next query (which then waits for it), not done. */
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const wrote = this.writes.wrote;
    this.writes.wrote = false;
    const durable = wrote ? this.log.sync() : this.log.synced();
    durable.catch(() => undefined); // awaited below; after a failed fsync, reads fail too (health checks must say so)
    await this.inner.releaseConnection(connection);
    if (wrote) this.observer?.durableWrite();
    await durable;
  }

  async destroy(): Promise<void> {
    await this.log.settle();
    await this.inner.destroy();
    await this.log.close();
  }
}
