import type { SessionResponse } from '@nestjs-microservices/shared';

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'ended_by_user'
  | 'password_changed'
  | 'refresh_token_reused'
  | 'session_limit'
  | 'account_disabled'
  | 'account_deleted'
  | 'ended_by_admin'
  | 'admin_role_removed'
  | 'password_reset';

/** A session as the auth service keeps it. */
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  /** Refreshing after this fails; each refresh moves it to now + idle TTL, never past `expiresAt`. */
  idleExpiresAt: Date;
  /** The absolute end, fixed at login. */
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  revokedAt: Date | null;
}

export function isActive(session: Session, now: Date): boolean {
  return session.revokedAt === null && session.idleExpiresAt > now;
}

export function toSessionResponse(session: Session, currentSessionId: string): SessionResponse {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    ip: session.ip,
    userAgent: session.userAgent,
    current: session.id === currentSessionId,
  };
}

/** Who a verified access token belongs to, once its session is known to be alive. */
export interface Principal {
  userId: string;
  username: string;
  sessionId: string;
  /** The roles the token carries. */
  roles: readonly string[];
  /** When the user last proved their password (`auth_time`); undefined for a token without it. */
  authTime?: Date;
}

/** Which of a user's active sessions to end: one (`only`), all but one (`except`), or all. */
export interface SessionFilter {
  userId: string;
  only?: string;
  except?: string;
}

/** Who ended sessions, for the audit trail. */
export interface EndedBy {
  clientIp?: string;
  /** The administrator, when one did it. */
  actorId?: string;
}
