import type { ColumnType } from 'kysely';

/**
 * Timestamps are written as ISO-8601 strings on both dialects (better-sqlite3 cannot bind a Date);
 * PostgreSQL reads them back as `Date` (timestamptz), SQLite as the string that was written.
 */
export type Timestamp = ColumnType<Date | string, string, string>;

export interface UsersTable {
  id: string;
  username: string;
  username_normalized: string;
  password_hash: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LoginFailuresTable {
  id: string;
  username_key: string;
  client_ip: string;
  failed_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  login_failures: LoginFailuresTable;
}

export type Dialect = 'sqlite' | 'postgres';

export const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
