import { type TestDatabase, withPgClient } from './database';
import { withSqliteFile } from './sqlite';

/** One row of the `users` table, as the contract names its columns. */
export interface StoredUserRow {
  id: string;
  username: string;
  username_normalized: string;
  password_hash: string;
  created_at: unknown;
  updated_at: unknown;
}

export const USER_COLUMNS = [
  'id',
  'username',
  'username_normalized',
  'password_hash',
  'created_at',
  'updated_at',
] as const;

/** The key the contract stores in `username_normalized`: trimmed, NFKC, lower-cased. */
export function normalizedUsernameKey(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

function toStoredUserRow(row: unknown): StoredUserRow {
  if (typeof row !== 'object' || row === null) {
    throw new Error(`Expected a users row, got ${JSON.stringify(row)}`);
  }
  const record = row as Record<string, unknown>;
  const text = (column: string): string => {
    const value = record[column];
    if (value === null || value === undefined) {
      throw new Error(`users.${column} is ${String(value)} in ${JSON.stringify(row)}`);
    }
    // PostgreSQL's uuid type arrives as a string; accept Buffers (SQLite blobs) as text too.
    return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  };
  return {
    id: text('id'),
    username: text('username'),
    username_normalized: text('username_normalized'),
    password_hash: text('password_hash'),
    created_at: record['created_at'],
    updated_at: record['updated_at'],
  };
}

/** All rows whose `username_normalized` is the key of `username` (0 or 1 for a correct app). */
export async function readUserRows(database: TestDatabase, username: string): Promise<StoredUserRow[]> {
  const key = normalizedUsernameKey(username);
  if (database.kind === 'sqlite') {
    return withSqliteFile(database.file, (db) =>
      db.prepare('SELECT * FROM users WHERE username_normalized = ?').all(key).map(toStoredUserRow),
    );
  }
  return withPgClient(database.url, async (client) => {
    const result = await client.query('SELECT * FROM users WHERE username_normalized = $1', [key]);
    return result.rows.map(toStoredUserRow);
  });
}

/** The stored row of `username`, read directly from the database (not through the apps). */
export async function readUserRow(database: TestDatabase, username: string): Promise<StoredUserRow | undefined> {
  const rows = await readUserRows(database, username);
  if (rows.length > 1) {
    throw new Error(`${rows.length} rows share username_normalized=${normalizedUsernameKey(username)}`);
  }
  return rows[0];
}

export async function countUsers(database: TestDatabase): Promise<number> {
  if (database.kind === 'sqlite') {
    return withSqliteFile(database.file, (db) => {
      const row = db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number | bigint };
      return Number(row.n);
    });
  }
  return withPgClient(database.url, async (client) => {
    const result = await client.query<{ n: string }>('SELECT COUNT(*)::text AS n FROM users');
    return Number(result.rows[0].n);
  });
}

/** Column names of the `users` table. */
export async function listUserColumns(database: TestDatabase): Promise<string[]> {
  if (database.kind === 'sqlite') {
    return withSqliteFile(database.file, (db) =>
      (db.prepare('PRAGMA table_info(users)').all() as Array<{ name: string }>).map((column) => column.name),
    );
  }
  return withPgClient(database.url, async (client) => {
    const result = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'users'
        ORDER BY ordinal_position`,
    );
    return result.rows.map((row) => row.column_name);
  });
}

/** SQLite only: the journal mode of the database file (the contract wants `wal`). */
export function sqliteJournalMode(file: string): string {
  return withSqliteFile(file, (db) => String(db.pragma('journal_mode', { simple: true })));
}
