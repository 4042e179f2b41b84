import type { SessionResponse } from '@nestjs-microservices/shared';

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'ended_by_user'
  | 'password_changed'
  | 'refresh_token_reused'
  | 'session_limit'
  | 'password_reset'
  | 'account_deleted';

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
