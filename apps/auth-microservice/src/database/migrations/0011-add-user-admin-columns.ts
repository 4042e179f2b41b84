import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * What administration needs on an account: when it was disabled, when it was deleted (the row stays, renamed and
 * without its hash, until the revocation feed no longer needs its sessions), and its last password login. Plus the
 * index the admin search by username prefix runs on: byte order, so a prefix is one contiguous range whatever the
 * database's collation (SQLite's unique index on `username_normalized` is in byte order already).
 */
export const addUserAdminColumns = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';
    await db.schema.alterTable('users').addColumn('disabled_at', timestamp).execute();
    await db.schema.alterTable('users').addColumn('deleted_at', timestamp).execute();
    await db.schema.alterTable('users').addColumn('last_login_at', timestamp).execute();
    if (dialect === 'postgres') {
      await sql`CREATE INDEX users_username_search_idx ON users (username_normalized COLLATE "C")`.execute(db);
    }
    await db.schema
      .createIndex('users_deleted_at_idx')
      .on('users')
      .column('deleted_at')
      .where(sql.ref('deleted_at'), 'is not', null)
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('users_deleted_at_idx').execute();
    if (dialect === 'postgres') await db.schema.dropIndex('users_username_search_idx').execute();
    for (const column of ['last_login_at', 'deleted_at', 'disabled_at']) {
      await db.schema.alterTable('users').dropColumn(column).execute();
    }
  },
});
