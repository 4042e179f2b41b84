import { type Kysely, type Migration, sql } from 'kysely';
import { usernameSkeleton } from '../../users/username-skeleton';
import type { Dialect } from '../database.types';

const ROWS_PER_BATCH = 1_000;

/** The users table as this migration knows it (later migrations may change it). */
interface Schema {
  users: { id: string; username: string; created_at: Date | string };
}
type UserRow = Schema['users'];

/**
 * Adds each user's confusable skeleton (UTS #39), unique, so that no two names that look alike can be signed up.
 * Existing rows get theirs oldest first; a later row whose skeleton an older one already holds keeps NULL (which a
 * unique index allows any number of times): it goes on working, and no new look-alike of either can be added,
 * because the older row holds the skeleton.
 */
export const addUsernameSkeleton = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('users').addColumn('username_skeleton', 'text').execute();
    const taken = new Set<string>();
    let after: UserRow | undefined;
    for (;;) {
      const rows: UserRow[] = await (db as Kysely<Schema>)
        .selectFrom('users')
        .select(['id', 'username', 'created_at'])
        .$if(after !== undefined, (query) =>
          query.where(sql<boolean>`(created_at, id) > (${after?.created_at}, ${after?.id})`),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(ROWS_PER_BATCH)
        .execute();
      if (rows.length === 0) break;
      after = rows[rows.length - 1];
      const owners = rows.flatMap((row) => {
        const skeleton = usernameSkeleton(row.username);
        if (taken.has(skeleton)) return [];
        taken.add(skeleton);
        return [sql`(${row.id}, ${skeleton})`];
      });
      if (owners.length > 0) await setSkeletons(db, dialect, owners);
    }
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
