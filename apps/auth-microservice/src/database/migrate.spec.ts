import { type Kysely, sql } from 'kysely';
import type { Database } from './database.types';
import { isUniqueViolation } from './database-errors';
import { migrateToLatest, pendingMigrations, prepareSchema } from './migrate';
import { openDatabase } from './open-database';

const row = (id: string, username: string) => ({
  id,
  username,
  username_normalized: username.toLowerCase(),
  password_hash: 'x',
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
});

/** Every migration, in the order they apply. */
const ALL_MIGRATIONS = [
  '0001-create-users',
  '0002-create-login-failures',
  '0003-create-signing-keys',
  '0004-create-sessions',
  '0005-create-login-known-clients',
  '0006-add-session-refresh-secret',
  '0007-add-username-skeleton',
  '0008-add-user-email',
  '0009-create-mail-outbox',
  '0010-create-roles-and-audit-events',
  '0011-add-user-admin-columns',
];

describe('migrateToLatest (SQLite in memory)', () => {
  let db: Kysely<Database>;

  beforeEach(() => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('applies every migration once, then nothing on a second run', async () => {
    await expect(migrateToLatest(db, 'sqlite')).resolves.toEqual(ALL_MIGRATIONS);
    await expect(migrateToLatest(db, 'sqlite')).resolves.toEqual([]);
  });

  it('creates a users table that accepts a row', async () => {
    await migrateToLatest(db, 'sqlite');
    await db.insertInto('users').values(row('1', 'alice')).execute();

    await expect(db.selectFrom('users').selectAll().execute()).resolves.toEqual([
      {
        ...row('1', 'alice'),
        username_skeleton: null,
        email: null,
        email_key: null,
        email_verified_at: null,
        disabled_at: null,
        deleted_at: null,
        last_login_at: null,
      },
    ]);
  });

  it('enforces a unique username_normalized', async () => {
    await migrateToLatest(db, 'sqlite');
    await db.insertInto('users').values(row('1', 'alice')).execute();

    const error: unknown = await db
      .insertInto('users')
      .values(row('2', 'ALICE'))
      .execute()
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('enforces a unique id', async () => {
    await migrateToLatest(db, 'sqlite');
    await db.insertInto('users').values(row('1', 'alice')).execute();

    await expect(db.insertInto('users').values(row('1', 'bob')).execute()).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
  });

  it('requires a password hash', async () => {
    await migrateToLatest(db, 'sqlite');
    const insertWithoutHash = sql`insert into users (id, username, username_normalized, created_at, updated_at)
      values ('1', 'alice', 'alice', '2025-01-01', '2025-01-01')`;

    await expect(insertWithoutHash.execute(db)).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_NOTNULL' });
  });
});

describe('isUniqueViolation', () => {
  it.each([
    [{ code: '23505' }, true],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE' }, true],
    [{ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }, true],
    [{ code: 'SQLITE_CONSTRAINT_NOTNULL' }, false],
    [{ code: 23505 }, false],
    [new Error('UNIQUE constraint failed'), false],
    [null, false],
    ['23505', false],
  ])('%p → %p', (error, expected) => {
    expect(isUniqueViolation(error)).toBe(expected);
  });
});

describe('prepareSchema (SQLite in memory)', () => {
  let db: Kysely<Database>;

  beforeEach(() => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('DATABASE_MIGRATE=off refuses a schema that is behind, naming the pending migrations, and changes nothing', async () => {
    await expect(prepareSchema(db, 'sqlite', 'off')).rejects.toThrow(
      `The database schema is behind (pending: ${ALL_MIGRATIONS.join(', ')}) and DATABASE_MIGRATE=off`,
    );
    await expect(pendingMigrations(db, 'sqlite')).resolves.toHaveLength(ALL_MIGRATIONS.length);
  });

  it('DATABASE_MIGRATE=off accepts a current schema; auto migrates', async () => {
    await expect(prepareSchema(db, 'sqlite', 'auto')).resolves.toHaveLength(ALL_MIGRATIONS.length);
    await expect(pendingMigrations(db, 'sqlite')).resolves.toEqual([]);
    await expect(prepareSchema(db, 'sqlite', 'off')).resolves.toEqual([]);
  });
});
