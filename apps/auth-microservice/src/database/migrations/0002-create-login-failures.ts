import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.types';

/** One row per failed login, kept for an hour: the brute-force counters survive a restart. */
export const createLoginFailures = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    await db.schema
      .createTable('login_failures')
      .addColumn('id', pg ? 'uuid' : 'text', (col) => col.primaryKey())
      .addColumn('username_key', 'text', (col) => col.notNull())
      .addColumn('client_ip', 'text', (col) => col.notNull())
      .addColumn('failed_at', pg ? 'timestamptz' : 'text', (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex('login_failures_account_idx')
      .on('login_failures')
      .columns(['username_key', 'failed_at'])
      .execute();
    await db.schema
      .createIndex('login_failures_client_idx')
      .on('login_failures')
      .columns(['username_key', 'client_ip', 'failed_at'])
      .execute();
    await db.schema.createIndex('login_failures_failed_at_idx').on('login_failures').column('failed_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('login_failures').execute();
  },
});
