import { join } from 'node:path';
import { Client } from 'pg';

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  /** DATABASE_URL of the auth service. */
  url: string;
  /** Safe to print: no credentials. */
  description: string;
  dispose(): Promise<void>;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database no one else uses. SQLite: a file in `dir` (the run's temp directory, removed with it). PostgreSQL: a
 * database `bench_<pid>_<label>` created on the server of TEST_DATABASE_URL with CREATE DATABASE and dropped by
 * `dispose()`; nothing else on that server is touched.
 */
export async function createBenchDatabase(
  kind: 'sqlite' | 'postgres',
  dir: string,
  label: string,
): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const file = join(dir, `${label}.sqlite`);
    return { url: `sqlite:${file}`, description: `SQLite ${file}`, dispose: () => Promise.resolve() };
  }
  const adminUrl = process.env['TEST_DATABASE_URL']?.trim() || DEFAULT_POSTGRES_URL;
  const name = `bench_${process.pid}_${label.replace(/[^a-z0-9_]/g, '_')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  const database: BenchDatabase = {
    url: url.toString(),
    description: `PostgreSQL ${url.hostname}:${url.port || 5432}/${name}`,
    dispose: async () => {
      if (dropped) return;
      dropped = true;
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
  return database;
}
