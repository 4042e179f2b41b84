import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { AuditLog } from '../audit/audit-log.service';
import type { AuthConfig } from '../config/auth-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { Database } from '../database/database.types';
import { SigningKeysRepository } from '../signing-keys/signing-keys.repository';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { AccessTokens } from '../tokens/access-tokens.service';
import { RolesRepository } from '../roles/roles.repository';
import { RevocationBroadcast } from './revocation-broadcast';
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
  const sessions = new SessionsService(
    repository,
    tokens,
    audit,
    config,
    new SessionMetrics(registry, repository),
    broadcast,
    new UnitOfWork(db),
    new RolesRepository(db, 'sqlite'),
  );
  return { keys, tokens, repository, sessions, broadcast };
}
