import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.types';

/**
 * The mail outbox: each mail is written in the transaction of the change that causes it, and sent later by the
 * delivery worker of any instance. `claimed_until`/`claimed_by` are the lease of the instance sending it (a crashed
 * instance's lease runs out and another takes over). Jobs (`kind` ending in `.request`) are work to do before a mail
 * exists (a password-reset request), kept here so they are as durable as mail.
 */
export const createMailOutbox = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    const pg = dialect === 'postgres';
    const timestamp = pg ? 'timestamptz' : 'text';
    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', pg ? 'uuid' : 'text', (col) => col.primaryKey())
      .addColumn('kind', 'text', (col) => col.notNull())
      .addColumn('recipient', 'text')
      .addColumn('subject', 'text')
      .addColumn('text_body', 'text')
      .addColumn('html_body', 'text')
      .addColumn('payload', 'text')
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', timestamp, (col) => col.notNull())
      .addColumn('next_attempt_at', timestamp, (col) => col.notNull())
      .addColumn('claimed_until', timestamp)
      .addColumn('claimed_by', 'text')
      .addColumn('sent_at', timestamp)
      .addColumn('failed_at', timestamp)
      .addColumn('last_error', 'text')
      .execute();
    await db.schema
      .createIndex('mail_outbox_pending_idx')
      .on('mail_outbox')
      .columns(['next_attempt_at'])
      .where((eb) => eb.and([eb(sql.ref('sent_at'), 'is', null), eb(sql.ref('failed_at'), 'is', null)]))
      .execute();
    await db.schema.createIndex('mail_outbox_created_at_idx').on('mail_outbox').column('created_at').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable('mail_outbox').execute();
  },
});
