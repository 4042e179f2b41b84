import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * Email on the account, and the single-use tokens of verification and password-reset links (only their SHA-256,
 * never the token). `email_key` (the address lower-cased) is unique: no two accounts share an address in any letter
 * case. `deleted_at` marks a deleted account: its row stays, emptied of credentials and address, while its username is
 * held (DELETED_USERNAME_HOLD) and its revoked sessions still reach the revocation feed; then it is removed.
 */
export const addUserEmail = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    const timestamp = pg ? 'timestamptz' : 'text';
    // One column per statement: SQLite's ALTER TABLE adds one at a time.
    await db.schema.alterTable('users').addColumn('email', 'text').execute();
    await db.schema.alterTable('users').addColumn('email_key', 'text').execute();
    await db.schema.alterTable('users').addColumn('email_verified_at', timestamp).execute();
    await db.schema.alterTable('users').addColumn('deleted_at', timestamp).execute();
    await db.schema.createIndex('users_email_key_key').on('users').column('email_key').unique().execute();
    await db.schema
      .createIndex('users_deleted_at_idx')
      .on('users')
      .column('deleted_at')
      .where(sql.ref('deleted_at'), 'is not', null)
      .execute();

    await db.schema
      .createTable('account_tokens')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('user_id', pg ? 'uuid' : 'text', (col) => col.notNull().references('users.id').onDelete('cascade'))
      // 'email_verification' | 'password_reset'
      .addColumn('purpose', 'text', (col) => col.notNull())
      // For a verification: the address it verifies (it becomes the account's address then).
      .addColumn('email', 'text')
      .addColumn('created_at', timestamp, (col) => col.notNull())
      .addColumn('expires_at', timestamp, (col) => col.notNull())
      .addColumn('used_at', timestamp)
      .execute();
    await db.schema
      .createIndex('account_tokens_user_purpose_idx')
      .on('account_tokens')
      .columns(['user_id', 'purpose', 'created_at'])
      .execute();
    await db.schema.createIndex('account_tokens_expires_at_idx').on('account_tokens').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('account_tokens').execute();
    await db.schema.dropIndex('users_deleted_at_idx').execute();
    await db.schema.dropIndex('users_email_key_key').execute();
    for (const column of ['deleted_at', 'email_verified_at', 'email_key', 'email']) {
      await db.schema.alterTable('users').dropColumn(column).execute();
    }
  },
});
