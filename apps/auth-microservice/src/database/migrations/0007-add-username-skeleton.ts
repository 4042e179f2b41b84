import { type Kysely, type Migration, sql } from 'kysely';
import { usernameSkeleton } from '../../users/username-skeleton';
import type { Dialect } from '../database.types';

const ROWS_PER_BATCH = 1_000;

/** The users table as this migration knows it (later migrations may change it). */
interface Schema {
  users: { id: string; username: string };
}

/**
 * Adds each user's confusable skeleton (UTS #39), unique, so that no two names that look alike can be signed up.
 * For existing rows that look alike, the oldest keeps the skeleton and the later ones get NULL (which a unique index
 * allows any number of times): they go on working, and no new look-alike of any of them can be added, because the
 * oldest holds the skeleton. Two passes, each linear: every row gets its skeleton (in primary-key order), then SQL
 * clears it on the rows that have an older twin.
 */
export const addUsernameSkeleton = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('username_skeleton', 'text').execute();
    let after: string | undefined;
    for (;;) {
      const rows = await (db as Kysely<Schema>)
        .selectFrom('users')
        .select(['id', 'username'])
        .$if(after !== undefined, (query) => query.where('id', '>', after ?? ''))
        .orderBy('id')
        .limit(ROWS_PER_BATCH)
        .execute();
      if (rows.length === 0) break;
      after = rows[rows.length - 1]?.id;
      await setSkeletons(
        db,
        dialect,
        rows.map((row) => sql`(${row.id}, ${usernameSkeleton(row.username)})`),
      );
    }
    await db.schema.createIndex('users_username_skeleton_twins').on('users').column('username_skeleton').execute();
    await sql`UPDATE users SET username_skeleton = NULL WHERE EXISTS (
        SELECT 1 FROM users AS older
         WHERE older.username_skeleton = users.username_skeleton
           AND (older.created_at < users.created_at OR (older.created_at = users.created_at AND older.id < users.id))
      )`.execute(db);
    await db.schema.dropIndex('users_username_skeleton_twins').execute();
    await db.schema
      .createIndex('users_username_skeleton_key')
      .on('users')
      .column('username_skeleton')
      .unique()
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('users_username_skeleton_key').execute();
    await db.schema.alterTable('users').dropColumn('username_skeleton').execute();
  },
});

/** One UPDATE for a batch of `(id, skeleton)` pairs. */
async function setSkeletons(db: Kysely<unknown>, dialect: Dialect, pairs: ReturnType<typeof sql>[]): Promise<void> {
  const id = dialect === 'postgres' ? sql`CAST(v.id AS uuid)` : sql`v.id`;
  await sql`WITH v(id, skeleton) AS (VALUES ${sql.join(pairs)})
    UPDATE users SET username_skeleton = v.skeleton FROM v WHERE users.id = ${id}`.execute(db);
}
