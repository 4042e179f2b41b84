import { type TestDatabase, withPgClient } from './database';
import { withSqliteFile } from './sqlite';

/**
 * Rows of a query read straight from the suite's database (not through the apps). Write it with `?` placeholders;
 * they become `$1, $2…` on PostgreSQL. Timestamps come back as strings on SQLite and Dates on PostgreSQL.
 */
export async function selectRows(
  database: TestDatabase,
  query: string,
  params: readonly unknown[] = [],
): Promise<Array<Record<string, unknown>>> {
  if (database.kind === 'sqlite') {
    return withSqliteFile(database.file, (db) => db.prepare(query).all(...params) as Array<Record<string, unknown>>);
  }
  let index = 0;
  const pgQuery = query.replace(/\?/g, () => `$${++index}`);
  return withPgClient(database.url, async (client) => (await client.query(pgQuery, [...params])).rows);
}
