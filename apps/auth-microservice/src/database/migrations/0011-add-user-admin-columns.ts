import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * What administration needs on an account: when it was disabled and its last password login (when it was deleted
 * is 0008's `deleted_at`, shared with deletion by the user). Plus the
 * index the admin search by username prefix runs on: byte order, so a prefix is one contiguous range whatever the
 * database's collation (SQLite's unique index on `username_normalized` is in byte order already).
 */
export const addUserAdminColumns = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema.alterTable('users').addColumn('disabled_at', timestamp).execute();
    await db.schema.alterTable('users').addColumn('last_login_at', timestamp).execute();
    if (dialect === 'postgres') {
      await sql`CREATE INDEX users_username_search_idx ON users (username_normalized COLLATE "C")`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    if (dialect === 'postgres') await db.schema.dropIndex('users_username_search_idx').execute();
    for (const column of ['last_login_at', 'disabled_at']) {
      await db.schema.alterTable('users').dropColumn(column).execute();
    }
  },
});
