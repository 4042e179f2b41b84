import type { Kysely, Migration } from 'kysely';

/**
 * The key of each session's refresh chain (random, base64url): a token's successor is an HMAC of the token under it,
 * so a replay within the grace window gets the same successor instead of a new chain. Sessions created before this
 * migration get one at their next rotation.
 */
export const addSessionRefreshSecret = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').addColumn('refresh_secret', 'text').execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('sessions').dropColumn('refresh_secret').execute();
  },
});
