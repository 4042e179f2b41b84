import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import {
  type EndedSessionsResponse,
  ERROR_CODES,
  ERROR_MESSAGES,
  type RequestMeta,
  rpcError,
  type RpcErrorBody,
  TOKEN_TYPE,
  type TokenResponse,
} from '@nestjs-microservices/shared';
import { uuidv7 } from 'uuidv7';
import { type AuditEntry, AuditLog } from '../audit/audit-log.service';
import { rpcFailure } from '../common/rpc-failure';
import { AuthConfig } from '../config/auth-config';
import { type Tx, UnitOfWork } from '../database/unit-of-work';
import { RolesRepository } from '../roles/roles.repository';
import { AccessTokens, type TokenSubject } from '../tokens/access-tokens.service';
import { hashRefreshToken, newChainSecret, newRefreshToken, RefreshChains } from './refresh-token';
import { isActive, type Session } from './session';
import { SessionMetrics } from './session.metrics';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** How many tokens down the chain a replay looks up per query, and how far at most, for the live end. */
const SUCCESSOR_BATCH = 4;
const MAX_REPLAY_HOPS = 32;

type Rotation =
  | {
      kind: 'rotated';
      session: Session;
      refreshToken: string;
      username: string;
      roles: string[];
      email: string | null;
      emailVerified: boolean;
    }
  | { kind: 'invalid' }
  | { kind: 'disabled' }
  | { kind: 'reused'; session: Session };

/**
 * Issues a session's tokens: a new session at login (`start`), then at each `refresh` a fresh access token and the
 * next refresh token of the session's chain. Ending sessions is left to `SessionsService`.
 */
@Injectable()
export class SessionTokens {
  private readonly chains: RefreshChains;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditLog,
    private readonly config: AuthConfig,
    private readonly metrics: SessionMetrics,
    private readonly uow: UnitOfWork,
    private readonly roles: RolesRepository,
    private readonly ending: SessionsService,
  ) {
    this.chains = new RefreshChains(config.signingKeys.encryptionSecret);
  }

  /** A new session for a user who just proved their password. */
  async start(
    user: { id: string; username: string; email?: string | null; emailVerifiedAt?: Date | null },
    meta: RequestMeta,
    now = new Date(),
  ): Promise<TokenResponse> {
    const { refreshIdleTtlMs, refreshAbsoluteTtlMs } = this.config.tokens;
    const expiresAt = new Date(now.getTime() + refreshAbsoluteTtlMs);
    const session: Session = {
      id: uuidv7(),
      userId: user.id,
      createdAt: now,
      lastUsedAt: now,
      idleExpiresAt: new Date(Math.min(now.getTime() + refreshIdleTtlMs, expiresAt.getTime())),
      expiresAt,
      ip: meta.clientIp ?? null,
      userAgent: meta.userAgent ?? null,
      revokedAt: null,
    };
    const refresh = newRefreshToken();
    const { evicted, roles } = await this.uow.run(async (trx) => {
      const ended = await this.sessions.create(
        trx,
        session,
        newChainSecret(),
        refresh.hash,
        this.config.tokens.maxSessionsPerUser,
      );
      await this.sessions.markLogin(trx, user.id, now);
      const clientIp = meta.clientIp;
      await this.audit.recordAllIn(trx, [
        ['login.succeeded', { userId: user.id, clientIp }],
        ['session.started', { userId: user.id, sessionId: session.id, clientIp }],
        ...ended.map(
          (sessionId): AuditEntry => [
            'session.ended',
            { userId: user.id, sessionId, reason: 'session_limit', clientIp },
          ],
        ),
      ]);
      return { evicted: ended, roles: await this.roles.rolesOf(user.id, trx) };
    });
    if (evicted.length > 0) this.ending.ended(evicted, now);
    return this.tokens(
      {
        userId: user.id,
        username: user.username,
        sessionId: session.id,
        roles,
        authTime: now,
        email: user.email ?? null,
        emailVerified: user.emailVerifiedAt != null,
      },
      session,
      refresh.token,
      now,
    );
  }

  /**
   * Exchanges a refresh token for new tokens, in one transaction holding the session's row: a refresh can never
   * mint tokens for a session another request has just revoked, and concurrent refreshes of a session run one after
   * the other. A token used within the grace window is honoured again (parallel refreshes of one client) with the
   * same successor, so the session stays one chain; later, it is taken as stolen and the whole session ends.
   */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenResponse> {
    const now = new Date();
    const hash = hashRefreshToken(refreshToken);
    const outcome = await this.uow.run((trx) => this.rotate(trx, refreshToken, hash, now, meta));
    this.metrics.countRefresh(outcome.kind);
    if (outcome.kind === 'invalid') throw rpcFailure(ERROR_CODES.INVALID_REFRESH_TOKEN);
    if (outcome.kind === 'disabled') throw rpcFailure(ERROR_CODES.ACCOUNT_DISABLED);
    const { session } = outcome;
    if (outcome.kind === 'reused') throw reuseFailure(this.ending.ended([session.id], now));
    return this.tokens(
      {
        userId: session.userId,
        username: outcome.username,
        sessionId: session.id,
        roles: outcome.roles,
        authTime: session.createdAt,
        email: outcome.email,
        emailVerified: outcome.emailVerified,
      },
      session,
      outcome.refreshToken,
      now,
    );
  }

  private async rotate(trx: Tx, token: string, hash: string, now: Date, meta: RequestMeta): Promise<Rotation> {
    const found = await this.sessions.findToken(trx, hash);
    if (!found) return { kind: 'invalid' };
    const locked = await this.sessions.lockSession(trx, found.sessionId);
    if (!locked) return { kind: 'invalid' };
    const account = await this.sessions.accountOf(trx, locked.session.userId);
    if (!account) return { kind: 'invalid' };
    if (account.disabled) return { kind: 'disabled' };
    if (!isActive(locked.session, now)) return { kind: 'invalid' };
    const { session, refreshSecret } = locked;
    // Read again under the lock: another refresh may have used it meanwhile.
    const usedAt = (await this.sessions.findToken(trx, hash))?.usedAt ?? null;
    let next: string | undefined;
    let newSecret: string | undefined;
    if (usedAt === null) {
      const secret = refreshSecret ?? newChainSecret();
      if (secret !== refreshSecret) newSecret = secret;
      const [successor] = this.chains.successors(secret, token);
      await this.sessions.markTokenUsed(trx, hash, now);
      await this.sessions.insertToken(trx, successor.hash, session.id, now);
      next = successor.token;
    } else if (now.getTime() - usedAt.getTime() > this.config.tokens.reuseGraceMs) {
      const { userId } = session;
      const { clientIp } = meta;
      await this.audit.recordIn(trx, 'refresh_token.reused', { userId, sessionId: session.id, clientIp });
      await this.ending.revokeIn(trx, { userId, only: session.id }, 'refresh_token_reused', { clientIp }, now);
      return { kind: 'reused', session };
    } else {
      next = refreshSecret === null ? undefined : await this.liveEndOfChain(trx, session.id, refreshSecret, token);
      if (next === undefined) return { kind: 'invalid' };
    }
    const idleExpiresAt = new Date(
      Math.min(now.getTime() + this.config.tokens.refreshIdleTtlMs, session.expiresAt.getTime()),
    );
    await this.sessions.touch(trx, session.id, now, idleExpiresAt, newSecret);
    const roles = await this.roles.rolesOf(session.userId, trx);
    return {
      kind: 'rotated',
      session: { ...session, idleExpiresAt },
      refreshToken: next,
      username: account.username,
      roles,
      email: account.email,
      emailVerified: account.emailVerified,
    };
  }

  /**
   * What a replay within the grace window gets: the first unused token after `token` on the session's chain. That is
   * its successor, unless the successor was used meanwhile (a parallel request answered late): then the live end
   * further on, so a client that keeps the last answer it received never holds a spent token. Undefined when `token`
   * was not rotated along the chain (by a version before migration 0006): refused, rather than start a second chain.
   */
  private async liveEndOfChain(trx: Tx, sessionId: string, secret: string, token: string): Promise<string | undefined> {
    let from = token;
    for (let hops = 0; hops < MAX_REPLAY_HOPS; hops += SUCCESSOR_BATCH) {
      const chain = this.chains.successors(secret, from, SUCCESSOR_BATCH);
      const known = await this.sessions.findTokensOf(
        trx,
        sessionId,
        chain.map((link) => link.hash),
      );
      for (const link of chain) {
        const usedAt = known.get(link.hash);
        if (usedAt === undefined) return undefined;
        if (usedAt === null) return link.token;
        from = link.token;
      }
    }
    return undefined;
  }

  private async tokens(
    subject: TokenSubject,
    session: Pick<Session, 'expiresAt' | 'idleExpiresAt'>,
    refreshToken: string,
    now: Date,
  ): Promise<TokenResponse> {
    const access = await this.accessTokens.issue(subject, session.expiresAt, now);
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: session.idleExpiresAt.toISOString(),
      tokenType: TOKEN_TYPE,
    };
  }
}

/** REFRESH_TOKEN_REUSED, carrying the sessions it ended so the gateway that asked refuses their tokens at once. */
function reuseFailure(ended: EndedSessionsResponse): RpcException {
  const body: RpcErrorBody = {
    ...rpcError(ERROR_CODES.REFRESH_TOKEN_REUSED, ERROR_MESSAGES.REFRESH_TOKEN_REUSED),
    revoked: ended.revoked,
  };
  return new RpcException(body);
}
