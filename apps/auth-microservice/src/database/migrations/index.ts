import type { Migration } from 'kysely';
import type { Dialect } from '../database.types';
import { createUsers } from './0001-create-users';
import { createLoginFailures } from './0002-create-login-failures';
import { createSigningKeys } from './0003-create-signing-keys';
import { createSessions } from './0004-create-sessions';
import { createLoginKnownClients } from './0005-create-login-known-clients';
import { addSessionRefreshSecret } from './0006-add-session-refresh-secret';
import { addUsernameSkeleton } from './0007-add-username-skeleton';
import { createRolesAndAuditEvents } from './0010-create-roles-and-audit-events';
import { addUserAdminColumns } from './0011-add-user-admin-columns';
import { addUserEmail } from './0008-add-user-email';
import { createMailOutbox } from './0009-create-mail-outbox';

/** Every migration in order. Names are permanent: they are recorded in `kysely_migration`. */
export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return {
    '0001-create-users': createUsers(dialect),
    '0002-create-login-failures': createLoginFailures(dialect),
    '0003-create-signing-keys': createSigningKeys(dialect),
    '0004-create-sessions': createSessions(dialect),
    '0005-create-login-known-clients': createLoginKnownClients(dialect),
    '0006-add-session-refresh-secret': addSessionRefreshSecret(),
    '0007-add-username-skeleton': addUsernameSkeleton(dialect),
    // 0008 and 0009 are taken by the account-recovery work; a gap is fine (applied in name order, once each).
    '0010-create-roles-and-audit-events': createRolesAndAuditEvents(dialect),
    '0011-add-user-admin-columns': addUserAdminColumns(dialect),
    '0008-add-user-email': addUserEmail(dialect),
    '0009-create-mail-outbox': createMailOutbox(dialect),
  };
}
