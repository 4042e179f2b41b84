import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from './open-database';

const modeOf = (path: string) => statSync(path).mode & 0o777;
const open = (file: string) => openDatabase({ url: `sqlite:${file}`, poolSize: 1, connectTimeoutMs: 1_000 }).db;

describe('openDatabase: SQLite files at rest', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'open-database-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates missing directories 0700 and the database, -wal and -shm 0600, leaving an existing parent alone', async () => {
    chmodSync(dir, 0o755);
    const file = join(dir, 'a', 'b', 'auth.sqlite');
    const db = open(file);
    await sql`create table items (id integer primary key)`.execute(db);
    await sql`insert into items values (1)`.execute(db);

    expect([file, `${file}-wal`, `${file}-shm`].map((path) => [existsSync(path), modeOf(path)])).toEqual([
      [true, 0o600],
      [true, 0o600],
      [true, 0o600],
    ]);
    expect([modeOf(join(dir, 'a')), modeOf(join(dir, 'a', 'b')), modeOf(dir)]).toEqual([0o700, 0o700, 0o755]);
    await db.destroy();
  });

  it('keeps the mode of a database file that already exists', async () => {
    mkdirSync(join(dir, 'data'));
    const file = join(dir, 'data', 'auth.sqlite');
    writeFileSync(file, '');
    chmodSync(file, 0o640);
    const db = open(file);
    await sql`create table items (id integer primary key)`.execute(db);

    expect([modeOf(file), modeOf(`${file}-wal`)]).toEqual([0o640, 0o640]);
    await db.destroy();
  });
});
