import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** The variable that switches the suites from SQLite to PostgreSQL. */
export const TEST_DATABASE_URL_VARIABLE = 'TEST_DATABASE_URL';

export interface SqliteTestDatabase {
  readonly kind: 'sqlite';
  /** The value handed to the auth service as DATABASE_URL. */
  readonly url: string;
  /** Absolute path of the database file (its directory does not exist until the app creates it). */
  readonly file: string;
  dispose(): Promise<void>;
}

export interface PostgresTestDatabase {
  readonly kind: 'postgres';
  readonly url: string;
  readonly name: string;
  dispose(): Promise<void>;
}

export type TestDatabase = SqliteTestDatabase | PostgresTestDatabase;

export function usingPostgres(): boolean {
  return Boolean(process.env[TEST_DATABASE_URL_VARIABLE]?.trim());
}

/**
 * A database nobody else uses: with `TEST_DATABASE_URL` set, a new PostgreSQL database created on
 * that server (dropped again by `dispose()`); otherwise a SQLite file path inside a new temporary
 * directory. `suite` only makes the names readable.
 */
export async function createTestDatabase(suite: string): Promise<TestDatabase> {
  const adminUrl = process.env[TEST_DATABASE_URL_VARIABLE]?.trim();
  return adminUrl ? createPostgresDatabase(adminUrl, suite) : createSqliteDatabase(suite);
}

function safeName(suite: string): string {
  return suite
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
}

async function createSqliteDatabase(suite: string): Promise<SqliteTestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), `e2e-db-${safeName(suite)}-`));
  // A directory that does not exist yet: the app must create it on first start.
  const file = join(dir, 'data', 'auth.sqlite');
  return {
    kind: 'sqlite',
    url: `sqlite:${file}`,
    file,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function withPgClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function createPostgresDatabase(adminUrl: string, suite: string): Promise<PostgresTestDatabase> {
  const name = `e2e_${safeName(suite)}_${randomBytes(4).toString('hex')}`;
  await withPgClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let disposed = false;
  return {
    kind: 'postgres',
    url: url.toString(),
    name,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      await withPgClient(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}
