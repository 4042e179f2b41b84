import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * The clients (IPv4 address, IPv6 /64) that logged in on an account recently, by username key like
 * `login_failures`: the brute-force throttle's account cap does not apply to them (see `LoginThrottle`).
 */
export const createLoginKnownClients = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    await db.schema
      .createTable('login_known_clients')
      .addColumn('username_key', 'text', (col) => col.notNull())
      .addColumn('client_key', 'text', (col) => col.notNull())
      .addColumn('last_success_at', pg ? 'timestamptz' : 'text', (col) => col.notNull())
      .addPrimaryKeyConstraint('login_known_clients_pk', ['username_key', 'client_key'])
      .execute();
    await db.schema
      .createIndex('login_known_clients_last_success_at_idx')
      .on('login_known_clients')
      .column('last_success_at')
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('login_known_clients').execute();
  },
});
