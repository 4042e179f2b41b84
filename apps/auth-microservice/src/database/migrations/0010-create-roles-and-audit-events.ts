import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * Roles (a set per user) and the stored audit trail. An audit row has no foreign key: it outlives the account it is
 * about (a deleted user's history stays until AUDIT_RETENTION has passed).
 */
export const createRolesAndAuditEvents = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    const id = pg ? 'uuid' : 'text';
    const timestamp = pg ? 'timestamptz' : 'text';
    await db.schema
      .createTable('user_roles')
      .addColumn('user_id', id, (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('role', 'text', (col) => col.notNull())
      .addColumn('granted_at', timestamp, (col) => col.notNull())
      .addPrimaryKeyConstraint('user_roles_pkey', ['user_id', 'role'])
      .execute();
    // Who holds a role (the administrators, for the last-admin rule).
    await db.schema.createIndex('user_roles_role_idx').on('user_roles').columns(['role', 'user_id']).execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', id, (col) => col.primaryKey())
      .addColumn('occurred_at', timestamp, (col) => col.notNull())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('user_id', id)
      .addColumn('actor_id', id)
      .addColumn('session_id', id)
      .addColumn('client_ip', 'text')
      .addColumn('details', 'text')
      .execute();
    // Newest first by id (UUID v7), filtered by subject or by type; the purge goes by time.
    await db.schema.createIndex('audit_events_user_idx').on('audit_events').columns(['user_id', 'id']).execute();
    await db.schema.createIndex('audit_events_type_idx').on('audit_events').columns(['type', 'id']).execute();
    await db.schema.createIndex('audit_events_occurred_at_idx').on('audit_events').column('occurred_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('audit_events').execute();
    await db.schema.dropTable('user_roles').execute();
  },
});
