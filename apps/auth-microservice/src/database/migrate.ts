import { type Kysely, Migrator } from 'kysely';
import type { Database, Dialect } from './database.types';
import { migrationsFor } from './migrations';

const migratorFor = (db: Kysely<Database>, dialect: Dialect): Migrator =>
  new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrationsFor(dialect)) } });

/**
 * Brings the schema to the latest version. Kysely's migrator takes a lock (a row lock on
 * PostgreSQL, the database lock on SQLite), so several instances starting at once are safe.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const { error, results = [] } = await migratorFor(db, dialect).migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error !== undefined || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${reason}`, { cause: error });
  }
  return results.map((result) => result.migrationName);
}

/** The migrations this code knows that the database has not run (none on a current schema). Reads only. */
export async function pendingMigrations(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  const migrations = await migratorFor(db, dialect).getMigrations();
  return migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
}

/**
 * At start: `auto` migrates; `off` (a separate step migrates, e.g. a Kubernetes Job) refuses a schema that is
 * behind, so an instance never serves — nor joins a NATS queue group — with code newer than its tables.
 * Returns the migrations applied.
 */
export async function prepareSchema(db: Kysely<Database>, dialect: Dialect, mode: 'auto' | 'off'): Promise<string[]> {
  if (mode === 'auto') return migrateToLatest(db, dialect);
  const pending = await pendingMigrations(db, dialect);
  if (pending.length > 0) {
    throw new Error(
      `The database schema is behind (pending: ${pending.join(', ')}) and DATABASE_MIGRATE=off: ` +
        'run the migration step (`node dist/apps/auth-microservice/main.js migrate`) first',
    );
  }
  return [];
}
