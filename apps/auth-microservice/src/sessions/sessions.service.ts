import { Injectable } from '@nestjs/common';
import { AccessTokenError } from '@nestjs-microservices/nest-auth';
import {
  type EndedSessionsResponse,
  ERROR_CODES,
  type RequestMeta,
  type RevocationsResponse,
  type RevokedSession,
  type SessionResponse,
} from '@nestjs-microservices/shared';
import { type AuditEntry, AuditLog } from '../audit/audit-log.service';
import { rpcFailure } from '../common/rpc-failure';
import { AuthConfig } from '../config/auth-config';
import { type Tx, UnitOfWork } from '../database/unit-of-work';
import { AccessTokens } from '../tokens/access-tokens.service';
import { type EndedBy, type Principal, type RevocationReason, type SessionFilter, toSessionResponse } from './session';
import { RevocationBroadcast } from './revocation-broadcast';
import { SessionsRepository } from './sessions.repository';

export type { Principal } from './session';

/**
 * Who holds a session (`authenticate`), the user's sessions, and ending them: by the user, inside another feature's
 * transaction (password change or reset, account deletion, admin actions), with the revocation feed and broadcast
 * that tell the gateways. Logins and refreshes, which issue tokens, are `SessionTokens`.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditLog,
    private readonly config: AuthConfig,
    private readonly broadcast: RevocationBroadcast,
    private readonly uow: UnitOfWork,
  ) {}

  /** Verifies an access token as the gateway does, then checks that its session has not ended. */
  async authenticate(accessToken: string): Promise<Principal> {
    let claims;
    try {
      claims = await this.accessTokens.verify(accessToken);
    } catch (cause) {
      if (cause instanceof AccessTokenError) throw rpcFailure(cause.code);
      throw cause;
    }
    const session = await this.sessions.findOfUser(claims.sid, claims.sub);
    if (!session || session.revokedAt !== null) throw rpcFailure(ERROR_CODES.SESSION_REVOKED);
    return {
      userId: claims.sub,
      username: claims.username,
      sessionId: claims.sid,
      roles: claims.roles ?? [],
      ...(claims.auth_time !== undefined && { authTime: new Date(claims.auth_time * 1_000) }),
    };
  }

  async list(accessToken: string): Promise<SessionResponse[]> {
    const principal = await this.authenticate(accessToken);
    const sessions = await this.sessions.listActive(principal.userId, new Date());
    return sessions.map((session) => toSessionResponse(session, principal.sessionId));
  }

  async logout(accessToken: string, meta: RequestMeta): Promise<EndedSessionsResponse> {
    const principal = await this.authenticate(accessToken);
    return this.end(principal, { only: principal.sessionId }, 'logout', meta);
  }

  async logoutAll(accessToken: string, meta: RequestMeta): Promise<EndedSessionsResponse> {
    const principal = await this.authenticate(accessToken);
    return this.end(principal, {}, 'logout_all', meta);
  }

  /** Ends one of the caller's sessions; someone else's session id is SESSION_NOT_FOUND, like an unknown one. */
  async endOne(accessToken: string, sessionId: string, meta: RequestMeta): Promise<EndedSessionsResponse> {
    const principal = await this.authenticate(accessToken);
    const ended = await this.end(principal, { only: sessionId }, 'ended_by_user', meta);
    if (ended.revoked.length === 0) throw rpcFailure(ERROR_CODES.SESSION_NOT_FOUND);
    return ended;
  }

  /** For a password change: inside the caller's transaction, so the new hash and the revocations land together. */
  endOthers(trx: Tx, principal: Principal, now: Date, meta: RequestMeta): Promise<string[]> {
    const filter = { userId: principal.userId, except: principal.sessionId };
    return this.revokeIn(trx, filter, 'password_changed', { clientIp: meta.clientIp }, now);
  }

  /** Revokes the matching active sessions in `trx`, with a `session.ended` event for each; returns their ids. */
  async revokeIn(trx: Tx, filter: SessionFilter, reason: RevocationReason, by: EndedBy, now: Date): Promise<string[]> {
    const ids = await this.sessions.revoke(filter, reason, now, trx);
    await this.audit.recordAllIn(
      trx,
      ids.map((sessionId): AuditEntry => ['session.ended', { userId: filter.userId, sessionId, reason, ...by }]),
    );
    return ids;
  }

  /**
   * For a password reset or an account deletion: every session of the user ends, inside the caller's transaction.
   * Announce them with `ended` once it has committed.
   */
  async endAll(
    trx: Tx,
    userId: string,
    reason: 'password_reset' | 'account_deleted',
    by: EndedBy,
    now: Date,
  ): Promise<string[]> {
    const ids = await this.revokeIn(trx, { userId }, reason, by, now);
    if (reason === 'account_deleted') await this.sessions.deleteRefreshTokensOfUser(trx, userId);
    return ids;
  }

  /** What gateways poll: sessions revoked after `since` whose access tokens may still be alive. */
  async revocations(since: Date | undefined): Promise<RevocationsResponse> {
    const now = new Date();
    const horizon = new Date(now.getTime() - this.config.accessTokenHorizonMs);
    const from = since && since > horizon ? since : horizon;
    const rows = await this.sessions.revokedSince(from);
    return {
      serverTime: now.toISOString(),
      revoked: rows.map((row) => this.revokedSession(row.id, row.revokedAt)),
    };
  }

  private revokedSession(sessionId: string, revokedAt: Date): RevokedSession {
    return { sessionId, until: new Date(revokedAt.getTime() + this.config.accessTokenHorizonMs).toISOString() };
  }

  private async end(
    principal: Principal,
    filter: { only?: string },
    reason: RevocationReason,
    meta: RequestMeta,
  ): Promise<EndedSessionsResponse> {
    const now = new Date();
    const ids = await this.uow.run((trx) =>
      this.revokeIn(trx, { userId: principal.userId, ...filter }, reason, { clientIp: meta.clientIp }, now),
    );
    return this.ended(ids, now);
  }

  /** Tells the gateways that these sessions ended at `at` (once committed), and answers them as they need them. */
  ended(sessionIds: readonly string[], at: Date): EndedSessionsResponse {
    const ended = { revoked: sessionIds.map((sessionId) => this.revokedSession(sessionId, at)) };
    this.broadcast.announce(ended);
    return ended;
  }
}
