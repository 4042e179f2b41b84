import type { AdminSessionResponse, AdminUserResponse, AuditEventResponse } from '@nestjs-microservices/shared';
import type { StoredAuditEvent } from '../audit/audit-events.repository';
import type { Session } from '../sessions/session';
import type { AccountRow } from './admin-users.repository';

export function toAdminUser(account: AccountRow, roles: readonly string[]): AdminUserResponse {
  return {
    id: account.id,
    username: account.username,
    createdAt: account.createdAt.toISOString(),
    status: account.disabledAt === null ? 'active' : 'disabled',
    disabledAt: account.disabledAt?.toISOString() ?? null,
    roles: [...roles],
    lastLoginAt: account.lastLoginAt?.toISOString() ?? null,
  };
}

export function toAdminSession(session: Session): AdminSessionResponse {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    ip: session.ip,
    userAgent: session.userAgent,
  };
}

export function toAuditEvent(event: StoredAuditEvent): AuditEventResponse {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt.toISOString(),
    userId: event.userId,
    actorId: event.actorId,
    sessionId: event.sessionId,
    clientIp: event.clientIp,
    details: event.details,
  };
}

/** An opaque page cursor: the last item's key, base64url. */
export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/** The key in a cursor; undefined when it is not one of ours. */
export function decodeCursor(cursor: string, valid: (key: string) => boolean): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return key.length > 0 && valid(key) ? key : undefined;
}
