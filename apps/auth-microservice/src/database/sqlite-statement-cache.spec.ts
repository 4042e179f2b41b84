import { Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from './sqlite-statement-cache';
import { loadSqliteDriver } from '@nestjs-microservices/runtime';

const SQLite = loadSqliteDriver();

interface Schema {
  items: { id: number; name: string };
}

function open(size?: number) {
  const sqlite = new SQLite(':memory:');
  const prepare = jest.spyOn(sqlite, 'prepare');
  const database = withStatementCache(sqlite, { size });
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database }) });
  return { sqlite, prepare, db };
}

describe('withStatementCache', () => {
  it('prepares each distinct SQL text once, and answers every query with its own parameters', async () => {
    const { prepare, db } = open();
    await db.schema.createTable('items').addColumn('id', 'integer').addColumn('name', 'text').execute();
    for (let id = 1; id <= 5; id++)
      await db
        .insertInto('items')
        .values({ id, name: `item ${id}` })
        .execute();
    const names: string[] = [];
    for (let id = 1; id <= 5; id++) {
      const row = await db.selectFrom('items').select('name').where('id', '=', id).executeTakeFirstOrThrow();
      names.push(row.name);
    }
    expect(names).toEqual(['item 1', 'item 2', 'item 3', 'item 4', 'item 5']);
    const texts = prepare.mock.calls.map(([sql]) => sql);
    expect(texts.filter((sql) => sql.startsWith('insert'))).toHaveLength(1);
    expect(texts.filter((sql) => sql.startsWith('select'))).toHaveLength(1);
    await db.destroy();
  });

  it('keeps transactions working with cached begin/commit/rollback statements', async () => {
    const { db } = open();
    await db.schema.createTable('items').addColumn('id', 'integer').addColumn('name', 'text').execute();
    await db.transaction().execute((trx) => trx.insertInto('items').values({ id: 1, name: 'kept' }).execute());
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 2, name: 'rolled back' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await db.transaction().execute((trx) => trx.insertInto('items').values({ id: 3, name: 'kept too' }).execute());
    const rows = await db.selectFrom('items').select('name').orderBy('id').execute();
    expect(rows.map((row) => row.name)).toEqual(['kept', 'kept too']);
    await db.destroy();
  });

  it('stays correct after the schema changes under a cached statement', async () => {
    const { db } = open();
    await db.schema.createTable('items').addColumn('id', 'integer').addColumn('name', 'text').execute();
    await db.insertInto('items').values({ id: 1, name: 'a' }).execute();
    const selectAll = () => db.selectFrom('items').selectAll().execute();
    expect(await selectAll()).toEqual([{ id: 1, name: 'a' }]);
    await db.schema.alterTable('items').addColumn('extra', 'text').execute();
    expect(await selectAll()).toEqual([{ id: 1, name: 'a', extra: null }]);
    await db.destroy();
  });

  it('holds at most `size` statements, preparing an evicted text again when it comes back', async () => {
    const { prepare, db } = open(2);
    await db.schema.createTable('items').addColumn('id', 'integer').addColumn('name', 'text').execute();
    const byId = () => db.selectFrom('items').select('name').where('id', '=', 1).execute();
    const byName = () => db.selectFrom('items').select('id').where('name', '=', 'x').execute();
    const all = () => db.selectFrom('items').selectAll().execute();
    await byId();
    await byName();
    await all(); // evicts byId
    const before = prepare.mock.calls.length;
    await all();
    expect(prepare.mock.calls.length).toBe(before);
    await byId();
    expect(prepare.mock.calls.length).toBe(before + 1);
    await db.destroy();
  });

  it('closes the database', async () => {
    const { sqlite, db } = open();
    await db.schema.createTable('items').addColumn('id', 'integer').execute();
    await db.destroy();
    expect(sqlite.open).toBe(false);
  });
});
