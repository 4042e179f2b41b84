import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.types';

export const createUsers = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    await db.schema
      .createTable('users')
      .addColumn('id', pg ? 'uuid' : 'text', (col) => col.primaryKey())
      .addColumn('username', 'text', (col) => col.notNull())
      .addColumn('username_normalized', 'text', (col) => col.notNull())
      .addColumn('password_hash', 'text', (col) => col.notNull())
      .addColumn('created_at', pg ? 'timestamptz' : 'text', (col) => col.notNull())
      .addColumn('updated_at', pg ? 'timestamptz' : 'text', (col) => col.notNull())
      .execute();
    // Sign-up is one INSERT that relies on this index: no check-then-insert race.
    await db.schema
      .createIndex('users_username_normalized_key')
      .on('users')
      .column('username_normalized')
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('users').execute();
  },
});
