import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * A session per login, and its refresh tokens (only their SHA-256, never the token). A used token is kept, marked
 * `used_at`, for as long as its session: that is how a stolen token is recognised when it comes back.
 */
export const createSessions = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    const id = pg ? 'uuid' : 'text';
    const timestamp = pg ? 'timestamptz' : 'text';
    await db.schema
      .createTable('sessions')
      .addColumn('id', id, (col) => col.primaryKey())
      .addColumn('user_id', id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', timestamp, (col) => col.notNull())
      .addColumn('last_used_at', timestamp, (col) => col.notNull())
      .addColumn('idle_expires_at', timestamp, (col) => col.notNull())
      .addColumn('expires_at', timestamp, (col) => col.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('revoked_at', timestamp)
      .addColumn('revoked_reason', 'text')
      .execute();
    await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();
    // The revocation feed reads recent revocations only.
    await db.schema
      .createIndex('sessions_revoked_at_idx')
      .on('sessions')
      .column('revoked_at')
      .where(sql.ref('revoked_at'), 'is not', null)
      .execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('session_id', id, (col) => col.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('created_at', timestamp, (col) => col.notNull())
      .addColumn('used_at', timestamp)
      .execute();
    await db.schema.createIndex('refresh_tokens_session_id_idx').on('refresh_tokens').column('session_id').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('refresh_tokens').execute();
    await db.schema.dropTable('sessions').execute();
  },
});
