import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypedConfigModule } from '@nestjs-microservices/runtime';
import { ROLE_PATTERN } from '@nestjs-microservices/shared';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { type AuditEntry, AuditLog } from '../audit/audit-log.service';
import { AuthConfig } from '../config/auth-config';
import { DatabaseModule } from '../database/database.module';
import { DATABASE, DATABASE_DIALECT } from '../database/database.tokens';
import type { Database, Dialect } from '../database/database.types';
import { UnitOfWork } from '../database/unit-of-work';
import { ADMIN_ROLE, RolesRepository } from '../roles/roles.repository';
import { SessionsRepository } from '../sessions/sessions.repository';
import { usernameKey } from '../users/username-key';

/** A refusal to print as it is (no stack) before exiting with code 1. */
export class CommandError extends Error {}

export type RoleChange = 'grant' | 'revoke';

export const ROLES_USAGE = {
  grant: 'Usage: main.js users:grant <username> <role> [<role> …]   (e.g. users:grant alice admin)',
  revoke: 'Usage: main.js users:revoke <username> <role> [<role> …]',
} as const;

export function parseRoleArgs(change: RoleChange, args: readonly string[]): { username: string; roles: string[] } {
  const [username, ...roles] = args;
  if (username === undefined || roles.length === 0) throw new CommandError(ROLES_USAGE[change]);
  const invalid = roles.filter((role) => !ROLE_PATTERN.test(role));
  if (invalid.length > 0) {
    throw new CommandError(
      `Not a role name: ${invalid.map((role) => JSON.stringify(role)).join(', ')} (lower-case letters, digits, ":", "_", "-"; 1–64, starting with a letter)\n${ROLES_USAGE[change]}`,
    );
  }
  return { username, roles: [...new Set(roles)] };
}

/**
 * Grants or takes away roles of one user in one transaction, with a `roles.changed` audit event (`via: cli`, no
 * acting admin). Taking `admin` away ends the user's sessions (gateways learn it from the revocation feed within a
 * second), and is refused when it would leave no active administrator. Answers what changed.
 */
export async function changeRoles(
  db: Kysely<Database>,
  dialect: Dialect,
  change: RoleChange,
  username: string,
  roles: readonly string[],
  now = new Date(),
): Promise<{ userId: string; changed: string[]; sessionsEnded: number }> {
  const rolesRepo = new RolesRepository(db, dialect);
  const sessions = new SessionsRepository(db, dialect);
  const audit = new AuditLog(new Registry(), new AuditEventsRepository(db));
  return new UnitOfWork(db).run(async (trx) => {
    await rolesRepo.lockAdminSet(trx);
    const user = await trx
      .selectFrom('users')
      .select(['id', 'disabled_at'])
      .where('username_normalized', '=', usernameKey(username.normalize('NFKC').trim()))
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!user) throw new CommandError(`No user named "${username}"`);
    const changed =
      change === 'grant'
        ? await rolesRepo.grant(trx, user.id, roles, now)
        : await rolesRepo.revoke(trx, user.id, roles);
    let ended: string[] = [];
    if (change === 'revoke' && changed.includes(ADMIN_ROLE)) {
      if (user.disabled_at === null && (await rolesRepo.countActiveAdmins(trx, user.id)) === 0) {
        throw new CommandError(`"${username}" is the last active administrator: grant admin to someone else first`);
      }
      ended = await sessions.revoke({ userId: user.id }, 'admin_role_removed', now, trx);
    }
    if (changed.length > 0) {
      const entries: AuditEntry[] = [
        [
          'roles.changed',
          change === 'grant'
            ? { userId: user.id, rolesAdded: changed, rolesRemoved: [], via: 'cli' }
            : { userId: user.id, rolesAdded: [], rolesRemoved: changed, via: 'cli' },
        ],
        ...ended.map(
          (sessionId): AuditEntry => [
            'session.ended',
            { userId: user.id, sessionId, reason: 'admin_role_removed', via: 'cli' },
          ],
        ),
      ];
      await audit.recordAllIn(trx, entries);
    }
    return { userId: user.id, changed, sessionsEnded: ended.length };
  });
}

@Module({})
class RolesCommandModule {
  static register(config: AuthConfig): DynamicModule {
    return { module: RolesCommandModule, imports: [TypedConfigModule.forRoot(AuthConfig, config), DatabaseModule] };
  }
}

/** `main.js users:grant|users:revoke <username> <role…>` on the configured database (SQLite or PostgreSQL). */
export function rolesCommand(change: RoleChange) {
  return async (config: AuthConfig, args: readonly string[] = process.argv.slice(3)): Promise<void> => {
    const { username, roles } = parseRoleArgs(change, args);
    const app = await NestFactory.createApplicationContext(RolesCommandModule.register(config), {
      logger: ['error', 'warn'],
    });
    try {
      const result = await changeRoles(
        app.get<Kysely<Database>>(DATABASE),
        app.get<Dialect>(DATABASE_DIALECT),
        change,
        username,
        roles,
      );
      const verb = change === 'grant' ? 'Granted' : 'Took away';
      const unchanged = roles.filter((role) => !result.changed.includes(role));
      const lines = [
        result.changed.length > 0
          ? `${verb} ${result.changed.join(', ')} ${change === 'grant' ? 'to' : 'from'} "${username}"`
          : '',
        unchanged.length > 0
          ? `"${username}" ${change === 'grant' ? 'already had' : 'did not have'}: ${unchanged.join(', ')}`
          : '',
        result.sessionsEnded > 0 ? `Ended ${result.sessionsEnded} session(s) of "${username}"` : '',
        result.changed.length > 0 ? 'Tokens carry the change from their next refresh (a new login at the latest).' : '',
      ];
      process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
    } finally {
      await app.close();
    }
  };
}
