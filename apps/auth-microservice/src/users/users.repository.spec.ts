import type { Kysely } from 'kysely';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import type { User } from './user';
import { UsersRepository } from './users.repository';

const user = (id: string, username: string, passwordHash = `hash-of-${username}`): User => ({
  id,
  username,
  passwordHash,
  createdAt: new Date('2025-03-04T05:06:07.089Z'),
  disabledAt: null,
  email: null,
  emailVerifiedAt: null,
});

describe('UsersRepository (SQLite in memory)', () => {
  let db: Kysely<Database>;
  let repository: UsersRepository;

  beforeEach(async () => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
    repository = new UsersRepository(db);
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('inserts a user and finds it again, with its original spelling and date', async () => {
    await expect(repository.insert(user('id-1', 'Alice'))).resolves.toBe('created');

    await expect(repository.findByUsername('Alice')).resolves.toEqual(user('id-1', 'Alice'));
  });

  it('stores the normalised key beside the name as typed', async () => {
    await repository.insert(user('id-1', 'Straße'));

    const rows = await db
      .selectFrom('users')
      .select(['username', 'username_normalized', 'created_at', 'updated_at'])
      .execute();
    expect(rows).toEqual([
      {
        username: 'Straße',
        username_normalized: 'strasse',
        created_at: '2025-03-04T05:06:07.089Z',
        updated_at: '2025-03-04T05:06:07.089Z',
      },
    ]);
  });

  it.each([
    ['alice', 'ALICE'],
    ['alice', 'Alice'],
    ['Straße', 'STRASSE'],
  ])('refuses %p once %p exists (insert → username_taken, nothing written)', async (first, second) => {
    await expect(repository.insert(user('id-1', first))).resolves.toBe('created');
    await expect(repository.insert(user('id-2', second))).resolves.toBe('username_taken');

    await expect(db.selectFrom('users').select('id').execute()).resolves.toEqual([{ id: 'id-1' }]);
  });

  it('finds and checks existence case-insensitively', async () => {
    await repository.insert(user('id-1', 'alice'));

    await expect(repository.findByUsername('ALICE')).resolves.toMatchObject({ id: 'id-1', username: 'alice' });
    await expect(repository.isTaken('aLiCe')).resolves.toBe(true);
  });

  it('answers undefined / false for an unknown name', async () => {
    await repository.insert(user('id-1', 'alice'));

    await expect(repository.findByUsername('alicia')).resolves.toBeUndefined();
    await expect(repository.isTaken('bob')).resolves.toBe(false);
  });

  it('updates the hash and updated_at of one user only', async () => {
    await repository.insert(user('id-1', 'alice'));
    await repository.insert(user('id-2', 'bob'));
    const now = new Date('2026-01-01T00:00:00.000Z');

    await repository.updatePasswordHash('id-1', 'new-hash', now);

    await expect(repository.findByUsername('alice')).resolves.toEqual({
      ...user('id-1', 'alice'),
      passwordHash: 'new-hash',
    });
    await expect(repository.findByUsername('bob')).resolves.toEqual(user('id-2', 'bob'));
    const updated = await db.selectFrom('users').select(['id', 'updated_at']).orderBy('id').execute();
    expect(updated).toEqual([
      { id: 'id-1', updated_at: '2026-01-01T00:00:00.000Z' },
      { id: 'id-2', updated_at: '2025-03-04T05:06:07.089Z' },
    ]);
  });

  it('rethrows database errors that are not a unique violation', async () => {
    await db.schema.dropTable('users').execute();

    // Matched by shape: better-sqlite3 binds its error class once per process, so in a Jest worker that already
    // ran another suite the error comes from that suite's realm and fails `toThrow`'s Error check.
    await expect(repository.insert(user('id-1', 'alice'))).rejects.toMatchObject({
      code: 'SQLITE_ERROR',
      message: expect.stringMatching(/no such table/),
    });
  });
});
