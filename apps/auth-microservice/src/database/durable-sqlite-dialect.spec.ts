import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { DurableSqliteDialect, WriteFlag } from './durable-sqlite-dialect';
import { GroupSync } from './group-sync';
import { openDatabase } from './open-database';
import { track, turn } from '../common/promise-state.spec-helpers';
import { manualFlush } from './manual-flush.spec-helpers';
import { withStatementCache } from './sqlite-statement-cache';
import { loadSqliteDriver } from '@nestjs-microservices/runtime';

const SQLite = loadSqliteDriver();

interface Schema {
  items: { id: number; name: string };
}

/**
 * A file database behind the dialect, with an fsync the test completes by hand. At each flush it notes whether the
 * writes before it are committed, as a second connection (another process) sees them.
 */
function open(dir: string) {
  const file = join(dir, 'test.sqlite');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('create table items (id integer primary key, name text not null)');
  const observer = new SQLite(file, { readonly: true });
  const committedAtFlush: number[] = [];
  const { flush, pending } = manualFlush(() =>
    committedAtFlush.push((observer.prepare('select count(*) as n from items').get() as { n: number }).n),
  );
  const writes = new WriteFlag();
  const dialect = new DurableSqliteDialect(
    { database: withStatementCache(sqlite, { writes }) },
    writes,
    new GroupSync(flush),
  );
  const db = new Kysely<Schema>({ dialect });
  const close = async () => {
    pending.forEach((flushing) => flushing.resolve());
    await db.destroy();
    observer.close();
  };
  return { db, flush, pending, committedAtFlush, close };
}

describe('DurableSqliteDialect', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'durable-sqlite-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('acknowledges a write only after an fsync that started once it was committed', async () => {
    const { db, flush, pending, committedAtFlush, close } = open(dir);
    const insert = track(db.insertInto('items').values({ id: 1, name: 'one' }).execute());
    await turn();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(committedAtFlush).toEqual([1]);
    expect(insert.done).toBe(false);

    pending[0]?.resolve();
    await turn();
    expect(insert.done).toBe(true);
    await close();
  });

  it('does not hold the connection during the fsync, but answers no read that may have seen a commit before it is durable', async () => {
    const { db, flush, pending, close } = open(dir);
    const insert = track(db.insertInto('items').values({ id: 1, name: 'one' }).execute());
    const read = db.selectFrom('items').select('name').execute();
    const names = track(read);
    const ping = track(sql`select 1 as one`.execute(db));
    await turn();
    // Both reads ran (the connection is free during the fsync), and saw the row: neither may answer yet.
    expect(flush).toHaveBeenCalledTimes(1);
    expect([insert.done, names.done, ping.done]).toEqual([false, false, false]);

    pending[0]?.resolve();
    await turn();
    expect([insert.done, names.done, ping.done]).toEqual([true, true, true]);
    expect(await read).toEqual([{ name: 'one' }]);
    // With every commit durable, a read does not wait for the disk.
    await expect(sql`select count(*) as n from items`.execute(db)).resolves.toMatchObject({ rows: [{ n: 1 }] });
    expect(flush).toHaveBeenCalledTimes(1);
    await close();
  });

  it('makes a read that arrives during an fsync wait for the one covering the last commit before it', async () => {
    const { db, pending, close } = open(dir);
    const first = track(db.insertInto('items').values({ id: 1, name: 'one' }).execute());
    await turn(); // the first fsync is under way
    const second = track(db.insertInto('items').values({ id: 2, name: 'two' }).execute());
    const read = track(db.selectFrom('items').select('name').execute());
    await turn();
    pending[0]?.resolve(); // covers 'one' only
    await turn();
    expect([first.done, second.done, read.done]).toEqual([true, false, false]);

    pending[1]?.resolve();
    await turn();
    expect([second.done, read.done]).toEqual([true, true]);
    await close();
  });

  it('waits for one fsync per transaction, after its commit', async () => {
    const { db, flush, pending, committedAtFlush, close } = open(dir);
    const transaction = track(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 1, name: 'one' }).execute();
        await trx.insertInto('items').values({ id: 2, name: 'two' }).execute();
      }),
    );
    await turn();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(committedAtFlush).toEqual([2]);
    expect(transaction.done).toBe(false);
    pending[0]?.resolve();
    await turn();
    expect(transaction.done).toBe(true);
    await close();
  });

  it('lets the commits made during one fsync share the next', async () => {
    const { db, flush, pending, close } = open(dir);
    const inserts = Array.from({ length: 20 }, (_, i) =>
      track(
        db
          .insertInto('items')
          .values({ id: i, name: `item ${i}` })
          .execute(),
      ),
    );
    await turn();
    pending[0]?.resolve();
    await turn();
    pending[1]?.resolve();
    await turn();
    expect(inserts.every((insert) => insert.done)).toBe(true);
    expect(flush).toHaveBeenCalledTimes(2);
    await close();
  });

  it('answers nothing after a failed fsync, with an error the service reports as unavailable', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { db, pending, close } = open(dir);
    const insert = db.insertInto('items').values({ id: 1, name: 'one' }).execute();
    await turn();
    pending[0]?.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await expect(insert).rejects.toMatchObject({ code: 'SQLITE_IOERR_FSYNC' });
    await expect(db.insertInto('items').values({ id: 2, name: 'two' }).execute()).rejects.toMatchObject({
      code: 'SQLITE_IOERR_FSYNC',
    });
    await expect(sql`select 1`.execute(db)).rejects.toMatchObject({ code: 'SQLITE_IOERR_FSYNC' });
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
    await close();
  });
});

describe('openDatabase on a SQLite file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'durable-sqlite-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits without fsync on the event loop and keeps what it acknowledged', async () => {
    const file = join(dir, 'auth.sqlite');
    const first = openDatabase({ url: `sqlite:${file}`, poolSize: 1, connectTimeoutMs: 1_000 }).db;
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(first);
    expect(rows).toEqual([{ synchronous: 1 }]); // NORMAL
    await sql`create table items (id integer primary key, name text not null)`.execute(first);
    await Promise.all(Array.from({ length: 50 }, (_, id) => sql`insert into items values (${id}, 'x')`.execute(first)));
    await first.destroy();

    const again = new SQLite(file, { readonly: true });
    expect(again.prepare('select count(*) as n from items').get()).toEqual({ n: 50 });
    again.close();
  });
  it('tells its observer of each write that waits for the disk, and times each fsync', async () => {
    let flushes = 0;
    const durability = {
      timeFlush: async (flush: () => Promise<void>) => {
        await flush();
        flushes += 1;
      },
      durableWrite: jest.fn(),
    };
    const db = openDatabase({
      url: `sqlite:${join(dir, 'auth.sqlite')}`,
      poolSize: 1,
      connectTimeoutMs: 1_000,
      durability,
    }).db;
    await sql`create table items (id integer primary key)`.execute(db);
    await Promise.all(Array.from({ length: 10 }, (_, id) => sql`insert into items values (${id})`.execute(db)));
    await sql`select count(*) from items`.execute(db);

    // the table and the ten inserts; not the read
    expect(durability.durableWrite).toHaveBeenCalledTimes(11);
    expect(flushes).toBeGreaterThanOrEqual(1);
    expect(flushes).toBeLessThanOrEqual(11);
    await db.destroy();
  });
});
