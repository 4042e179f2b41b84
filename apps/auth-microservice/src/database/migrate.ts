import { type Kysely, Migrator } from 'kysely';
import type { Database, Dialect } from './database.types';
import { migrationsFor } from './migrations';

/**
 * Brings the schema to the latest version. Kysely's migrator takes a lock (a row lock on
 * PostgreSQL, the database lock on SQLite), so several instances starting at once are safe.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrationsFor(dialect)) },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`, { cause: error });
  }
  return results.map((result) => result.migrationName);
}
