import { AuthConfig } from '../config/auth-config';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';

/**
 * `npm run migrate` (`main.js migrate`): brings the schema to the latest version and exits, whatever
 * DATABASE_MIGRATE says: the rollout's separate migration step (compose's `migrate` service, the Kubernetes Job).
 * Kysely's migrator takes a lock, so a second run at the same time waits and then finds nothing to do.
 */
export async function migrate(config: AuthConfig): Promise<void> {
  const { db, dialect, description } = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(db, dialect);
    const what = applied.length ? `applied ${applied.join(', ')}` : 'the schema was already current';
    process.stdout.write(`Migrations on ${description}: ${what}\n`);
  } finally {
    await db.destroy();
  }
}
