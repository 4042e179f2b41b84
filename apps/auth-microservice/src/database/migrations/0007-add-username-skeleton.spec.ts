import { randomBytes } from 'node:crypto';
import { type Kysely, Migrator } from 'kysely';
import { Client } from 'pg';
import { UsersRepository } from '../../users/users.repository';
import { usernameKey } from '../../users/username-key';
import type { Database, Dialect } from '../database.types';
import { migrateToLatest } from '../migrate';
import { openDatabase } from '../open-database';
import { migrationsFor } from '.';

const THIS_MIGRATION = '0007-add-username-skeleton';

/** Existing rows, in the order they were created; the look-alikes among them got in before this migration. */
const EXISTING = [
  { id: '00000000-0000-7000-8000-000000000001', username: '\u0430lice', createdAt: '2024-01-01T00:00:00.000Z' },
  { id: '00000000-0000-7000-8000-000000000003', username: 'alice', createdAt: '2024-02-01T00:00:00.000Z' },
  { id: '00000000-0000-7000-8000-000000000002', username: 'AL\u0130CE', createdAt: '2024-03-01T00:00:00.000Z' },
  { id: '00000000-0000-7000-8000-000000000005', username: 'bob', createdAt: '2024-03-01T00:00:00.000Z' },
  { id: '00000000-0000-7000-8000-000000000004', username: 'b\u03BFb', createdAt: '2024-04-01T00:00:00.000Z' },
];

/** Brings the schema to the migration before this one, as a database of an earlier release would be. */
async function migrateToBefore(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const earlier = Object.entries(migrationsFor(dialect)).filter(([name]) => name < THIS_MIGRATION);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(Object.fromEntries(earlier)) },
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

function describeMigration(dialect: Dialect, open: () => Promise<{ db: Kysely<Database>; close(): Promise<void> }>) {
  describe(`${THIS_MIGRATION} on ${dialect} with look-alike rows already stored`, () => {
    let db: Kysely<Database>;
    let close: () => Promise<void>;
    let users: UsersRepository;

    beforeEach(async () => {
      ({ db, close } = await open());
      await migrateToBefore(db, dialect);
      // Raw rows: the table has no username_skeleton yet.
      await (db as unknown as Kysely<Record<'users', Record<string, string>>>)
        .insertInto('users')
        .values(
          EXISTING.map(({ id, username, createdAt }) => ({
            id,
            username,
            username_normalized: usernameKey(username),
            password_hash: `hash-of-${username}`,
            created_at: createdAt,
            updated_at: createdAt,
          })),
        )
        .execute();
      await expect(migrateToLatest(db, dialect)).resolves.toContain(THIS_MIGRATION);
      users = new UsersRepository(db);
    });

    afterEach(() => close());

    it('gives the oldest of each group of look-alikes the skeleton, the later ones NULL', async () => {
      const rows = await db.selectFrom('users').select(['username', 'username_skeleton']).orderBy('id').execute();
      expect(rows).toEqual([
        { username: '\u0430lice', username_skeleton: 'alice' },
        { username: 'AL\u0130CE', username_skeleton: null },
        { username: 'alice', username_skeleton: null },
        { username: 'b\u03BFb', username_skeleton: null },
        { username: 'bob', username_skeleton: 'bob' },
      ]);
    });

    it('every existing user is still found by its own name, and only by it', async () => {
      for (const { id, username } of EXISTING) {
        await expect(users.findByUsername(username)).resolves.toMatchObject({ id, username });
      }
      await expect(users.findByUsername('ALICE')).resolves.toMatchObject({ username: 'alice' });
    });

    it('no new look-alike of any of them can be added', async () => {
      const newUser = (username: string) => ({
        id: '00000000-0000-7000-8000-0000000000ff',
        username,
        passwordHash: 'x',
        createdAt: new Date(),
        disabledAt: null,
        email: null,
        emailVerifiedAt: null,
      });
      for (const username of ['al\u0131ce', 'ali\u0307ce', 'b\u043Eb', 'BOB']) {
        await expect(users.isTaken(username)).resolves.toBe(true);
      }
      await expect(users.isTaken('bobby')).resolves.toBe(false);
      await expect(users.insert(newUser('al\u0131ce'))).resolves.toBe('username_taken');
      await expect(users.insert(newUser('b\u043Eb'))).resolves.toBe('username_taken');
      await expect(users.insert(newUser('carol'))).resolves.toBe('created');
    });
  });
}

describeMigration('sqlite', () => {
  const { db } = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 });
  return Promise.resolve({ db, close: () => db.destroy() });
});

/** On PostgreSQL too when `TEST_DATABASE_URL` names a server where databases may be created. */
const adminUrl = process.env['TEST_DATABASE_URL']?.trim();
if (adminUrl) {
  describeMigration('postgres', async () => {
    const name = `unit_skeleton_${randomBytes(4).toString('hex')}`;
    const admin = async (statement: string) => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const { db } = openDatabase({ url: url.toString(), poolSize: 2, connectTimeoutMs: 5_000 });
    return {
      db,
      close: async () => {
        await db.destroy();
        await admin(`DROP DATABASE ${name} WITH (FORCE)`);
      },
    };
  });
} else {
  it.skip(`${THIS_MIGRATION} on postgres: set TEST_DATABASE_URL to run it`, () => undefined);
}
