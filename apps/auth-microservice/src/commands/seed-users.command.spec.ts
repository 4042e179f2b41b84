import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import {
  batches,
  INSERTS_PER_TRANSACTION,
  insertSeedUsers,
  parseSeedArgs,
  ROWS_PER_INSERT,
} from './seed-users.command';
import { loadSqliteDriver } from '@nestjs-microservices/runtime';

const SQLite = loadSqliteDriver();

describe('parseSeedArgs', () => {
  it('reads the count, with the default prefix and no password', () => {
    expect(parseSeedArgs(['1000'])).toEqual({ count: 1000, prefix: 'seed_', force: false });
  });

  it('reads --prefix, --password and --force in any order', () => {
    expect(parseSeedArgs(['--prefix', 'bench-', '25', '--password', 'a long bench password', '--force'])).toEqual({
      count: 25,
      prefix: 'bench-',
      password: 'a long bench password',
      force: true,
    });
  });

  it.each([
    [[], /<count> must be/],
    [['0'], /<count> must be/],
    [['1.5'], /Unexpected argument "1.5"/],
    [['10', '20'], /Unexpected argument "20"/],
    [['10', '--prefix'], /--prefix needs a value/],
    [['10', '--prefix', 'a b'], /does not make valid usernames/],
    [['10', '--prefix', 'a'], /does not make valid usernames/], // "a0" is too short
    [['10', '--prefix', 'x'.repeat(64)], /does not make valid usernames/],
    [['10', '--password', 'short'], /--password must be/],
    [['10', '--password', 'password123'], /--password must be/], // a common password
    [['10', '--verbose'], /Unexpected argument "--verbose"/],
  ])('refuses %p with the usage', (args, message) => {
    expect(() => parseSeedArgs(args)).toThrow(message);
    expect(() => parseSeedArgs(args)).toThrow(/Usage: main\.js users:seed/);
  });
});

describe('batches', () => {
  it('covers 0 … count-1 in ranges of at most `size`', () => {
    expect([...batches(2_500, 1_000)]).toEqual([
      { start: 0, end: 1_000 },
      { start: 1_000, end: 2_000 },
      { start: 2_000, end: 2_500 },
    ]);
    expect([...batches(1_000, 1_000)]).toEqual([{ start: 0, end: 1_000 }]);
    expect([...batches(0, 1_000)]).toEqual([]);
  });
});

describe('insertSeedUsers (SQLite in memory)', () => {
  let db: Kysely<Database>;

  beforeEach(async () => {
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(':memory:') }) });
    await migrateToLatest(db, 'sqlite');
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('inserts every user with the one hash, in transactions of INSERTS_PER_TRANSACTION multi-row INSERTs', async () => {
    const count = ROWS_PER_INSERT * INSERTS_PER_TRANSACTION + 1_234;
    const progress: number[] = [];

    const result = await insertSeedUsers(db, { count, prefix: 'Seed_', passwordHash: '$argon2id$fake' }, (done) =>
      progress.push(done),
    );

    expect(result).toEqual({ inserted: count, skipped: 0 });
    expect(progress).toEqual([ROWS_PER_INSERT * INSERTS_PER_TRANSACTION, count]);
    const rows = await db
      .selectFrom('users')
      .select(['username', 'username_normalized', 'password_hash'])
      .orderBy('id')
      .execute();
    expect(rows).toHaveLength(count);
    expect(rows[0]).toEqual({ username: 'Seed_0', username_normalized: 'seed_0', password_hash: '$argon2id$fake' });
    expect(rows[count - 1]?.username).toBe(`Seed_${count - 1}`); // UUID v7 ids: in insertion order
    expect(new Set(rows.map((row) => row.password_hash))).toEqual(new Set(['$argon2id$fake']));
  });

  it('skips names that exist in any letter case, so a second run adds only the new ones', async () => {
    await insertSeedUsers(db, { count: 10, prefix: 'SEED_', passwordHash: 'h1' });

    const result = await insertSeedUsers(db, { count: 15, prefix: 'seed_', passwordHash: 'h2' });

    expect(result).toEqual({ inserted: 5, skipped: 10 });
    const hashes = await db.selectFrom('users').select('password_hash').execute();
    expect(hashes.filter((row) => row.password_hash === 'h1')).toHaveLength(10);
    expect(hashes.filter((row) => row.password_hash === 'h2')).toHaveLength(5);
  });
});
