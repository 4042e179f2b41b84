import { Logger } from '@nestjs/common';
import { closeSync, constants, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database, Dialect } from './database.types';
import { type DurabilityObserver, DurableSqliteDialect, WriteFlag } from './durable-sqlite-dialect';
import { fileFlusher, GroupSync } from './group-sync';
import { loadSqliteDriver } from '@nestjs-microservices/runtime';
import { withStatementCache } from './sqlite-statement-cache';

export interface DatabaseConnection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, without credentials: safe to log. */
  description: string;
}

/** Where the data lives, without credentials: safe to log. */
export function describeDatabase(url: string): string {
  if (url.startsWith('sqlite:')) {
    const location = url.slice('sqlite:'.length);
    return `sqlite:${location === ':memory:' ? location : resolve(location)}`;
  }
  const { hostname, port, pathname } = new URL(url);
  return `postgres://${hostname}:${port || 5432}${pathname}`;
}

export function dialectOf(url: string): Dialect {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

export interface DatabaseSettings {
  url: string;
  /** SQLite: told of every fsync of the log and every write that waited for one. */
  durability?: DurabilityObserver;
  poolSize: number;
  /** PostgreSQL: the longest wait for a connection from the pool (a new one included). */
  connectTimeoutMs: number;
}

export function openDatabase(settings: DatabaseSettings): DatabaseConnection {
  const { url } = settings;
  const db = url.startsWith('sqlite:')
    ? openSqlite(url.slice('sqlite:'.length), settings.durability)
    : openPostgres(settings);
  return { ...db, description: describeDatabase(url) };
}

function openSqlite(location: string, observer?: DurabilityObserver): Omit<DatabaseConnection, 'description'> {
  const inMemory = location === ':memory:';
  const file = inMemory ? location : resolve(location);
  if (!inMemory) createPrivately(file);
  const SQLite = loadSqliteDriver();
  const sqlite = new SQLite(file);
  // WAL lets readers run beside the writer. NORMAL: a commit does not fsync on the event loop; the dialect fsyncs
  // the log off the loop before it acknowledges a write, so every acknowledged commit survives a power cut, as with
  // FULL. busy_timeout covers a second process (a CLI) writing at the same time.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`synchronous = ${inMemory ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  if (inMemory) {
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) }),
      dialect: 'sqlite',
    };
  }
  const writes = new WriteFlag();
  const log = fileFlusher(`${file}-wal`);
  const flush = observer ? () => observer.timeFlush(log.flush) : log.flush;
  const dialect = new DurableSqliteDialect(
    { database: withStatementCache(sqlite, { writes }) },
    writes,
    new GroupSync(flush, log.close),
    observer,
  );
  return { db: new Kysely<Database>({ dialect }), dialect: 'sqlite' };
}

function openPostgres(settings: DatabaseSettings): Omit<DatabaseConnection, 'description'> {
  const pool = new Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectTimeoutMs,
  });
  // The server closing an idle connection (restart, failover, terminated backend) is an 'error' event of the
  // pool; unhandled, it would crash the process. The pool drops that client and connects anew when needed.
  pool.on('error', (error) => new Logger('Database').warn(`Lost an idle PostgreSQL connection: ${error.message}`));
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    dialect: 'postgres',
  };
}

/**
 * The database holds password hashes, refresh-token hashes and (without SIGNING_KEY_ENCRYPTION_SECRET) the private
 * signing keys: the directories created for it are 0700 and the file 0600, whatever the umask. SQLite creates its
 * -wal, -shm and -journal files with the database file's mode, so creating that one first covers them all. An
 * existing directory or file keeps the mode it has.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
