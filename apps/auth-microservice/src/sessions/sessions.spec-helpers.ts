import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { uuidv7 } from 'uuidv7';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditLog } from '../audit/audit-log.service';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { SigningKeysRepository } from '../signing-keys/signing-keys.repository';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { AccessTokens } from '../tokens/access-tokens.service';
import { RolesRepository } from '../roles/roles.repository';
import { RevocationBroadcast } from './revocation-broadcast';
import { SessionTokens } from './session-tokens.service';
import { SessionMetrics } from './session.metrics';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** The real session stack on a (migrated, SQLite) database, wired as Nest would wire it, keys initialised. */
export async function createSessionStack(
  db: Kysely<Database>,
  config: AuthConfig,
  registry: Registry,
  audit: AuditLog,
) {
  const keys = new SigningKeysService(new SigningKeysRepository(db), config);
  await keys.onModuleInit();
  const tokens = new AccessTokens(keys, config);
  const repository = new SessionsRepository(db, 'sqlite');
  const broadcast = new RevocationBroadcast();
  const uow = new UnitOfWork(db);
  const sessions = new SessionsService(repository, tokens, audit, config, broadcast, uow);
  const sessionTokens = new SessionTokens(
    repository,
    tokens,
    audit,
    config,
    new SessionMetrics(registry, repository),
    uow,
    new RolesRepository(db, 'sqlite'),
    sessions,
  );
  return { keys, tokens, repository, sessions, sessionTokens, broadcast };
}

/** `createSessionStack` on a migrated SQLite database in memory, with the configuration `env` gives. */
export async function sessionStackInMemory(env: Record<string, string> = {}) {
  const db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
  await migrateToLatest(db, 'sqlite');
  const registry = new Registry();
  const config = new AuthConfig(authEnvSchema.parse(env));
  const audit = new AuditLog(registry, new AuditEventsRepository(db));
  return { db, registry, ...(await createSessionStack(db, config, registry, audit)) };
}

/** A user row whose password hash matches no password: the specs start its sessions directly. */
export async function insertUser(db: Kysely<Database>, username: string): Promise<{ id: string; username: string }> {
  const id = uuidv7();
  const now = new Date().toISOString();
  await db
    .insertInto('users')
    .values({ id, username, username_normalized: username, password_hash: 'x', created_at: now, updated_at: now })
    .execute();
  return { id, username };
}
