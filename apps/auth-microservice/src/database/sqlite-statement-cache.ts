import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { WriteFlag } from './durable-sqlite-dialect';

/** Distinct SQL texts kept prepared; the service issues a few dozen, so this only bounds a pathological case. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 for Kysely, with each distinct SQL text prepared once. Kysely's SQLite driver prepares every query
 * it runs, and compiling the same SQL again on every call was a visible share of the auth service's CPU on a
 * read-only round trip (figures: docs/performance.md, "Optimised so far"). Reusing a statement
 * is safe here: Kysely runs one query at a time on its single connection, and SQLite re-prepares a statement
 * by itself when a migration changes the schema under it.
 */
export function withStatementCache(
  database: SQLite.Database,
  { size = STATEMENT_CACHE_SIZE, writes }: { size?: number; writes?: WriteFlag } = {},
): SqliteDatabase {
  // Whether a statement writes is SQLite's own answer (sqlite3_stmt_readonly), asked once per SQL text: exact for raw
  // SQL too; BEGIN and COMMIT count as read-only.
  const statements = new LRUCache<string, { statement: SQLite.Statement; writes: boolean }>({ max: size });
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare: (sql) => {
      let entry = statements.get(sql);
      if (entry === undefined) {
        const statement = database.prepare(sql);
        entry = { statement, writes: !statement.readonly };
        statements.set(sql, entry);
      }
      if (writes && entry.writes) writes.wrote = true;
      return entry.statement;
    },
  };
}
