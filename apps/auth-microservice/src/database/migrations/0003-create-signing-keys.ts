import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * The access-token signing keys, shared by every auth instance. `generation` is unique: two instances rotating at
 * the same moment cannot both add a key. `private_key` is AES-256-GCM ciphertext when a key-encryption secret is set.
 */
export const createSigningKeys = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (col) => col.primaryKey())
      .addColumn('generation', 'integer', (col) => col.notNull().unique())
      .addColumn('algorithm', 'text', (col) => col.notNull())
      .addColumn('public_key', 'text', (col) => col.notNull())
      .addColumn('private_key', 'text', (col) => col.notNull())
      .addColumn('created_at', pg ? 'timestamptz' : 'text', (col) => col.notNull())
      .addColumn('activates_at', pg ? 'timestamptz' : 'text', (col) => col.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('signing_keys').execute();
  },
});
