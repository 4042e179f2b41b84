import { Injectable } from '@nestjs/common';
import {
  type AcceptedResponse,
  ADMIN_PAGE_DEFAULT,
  type AdminChangeRolesRequestDto,
  type AdminUserChangeResponse,
  type AdminUserDetailResponse,
  type AdminUserPageResponse,
  type AdminUsersListRequestDto,
  type AuditEventPageResponse,
  type AuditListRequestDto,
  type EndedSessionsResponse,
  ERROR_CODES,
  type FieldError,
  type RequestMeta,
} from '@nestjs-microservices/shared';

const ADMIN_RESET_SENT = 'A mail with a reset link is on its way to the verified address of the account.';
import { isUUID } from 'class-validator';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditLog } from '../audit/audit-log.service';
import { rpcFailure } from '../common/rpc-failure';
import { AuthConfig } from '../config/auth-config';
import { type Tx, UnitOfWork } from '../database/unit-of-work';
import { ADMIN_ROLE, RolesRepository } from '../roles/roles.repository';
import type { RevocationReason } from '../sessions/session';
import { SessionsRepository } from '../sessions/sessions.repository';
import { type Principal, SessionsService } from '../sessions/sessions.service';
import { AccountMail } from '../recovery/account-mail.service';
import { verifiedEmailOf } from '../users/user';
import { usernameKey } from '../users/username-key';
import { UsersRepository } from '../users/users.repository';
import { type AccountRow, AdminUsersRepository } from './admin-users.repository';
import { decodeCursor, encodeCursor, toAdminSession, toAdminUser, toAuditEvent } from './admin-views';

const RECENT_FAILURES = 10;

/** The acting administrator and where they called from: what every admin action records. */
interface Actor {
  principal: Principal;
  meta: RequestMeta;
}

/**
 * The admin API. Every call starts with `authorize`: the access token verified again here (this port is an entry
 * point of its own), its session alive, the caller holding `admin` now (in the database, not only in the token), and
 * their password login no older than ADMIN_REAUTH_MAX_AGE. Changes run in one transaction with their audit rows,
 * under the admin-set lock where they could leave no active administrator.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly accounts: AdminUsersRepository,
    private readonly roles: RolesRepository,
    private readonly sessions: SessionsService,
    private readonly sessionRows: SessionsRepository,
    private readonly events: AuditEventsRepository,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
    private readonly config: AuthConfig,
    private readonly users: UsersRepository,
    private readonly mail: AccountMail,
  ) {}

  async authorize(accessToken: string): Promise<Principal> {
    const principal = await this.sessions.authenticate(accessToken);
    if (!(await this.roles.holds(principal.userId, ADMIN_ROLE))) throw rpcFailure(ERROR_CODES.FORBIDDEN);
    const { authTime } = principal;
    if (authTime === undefined || Date.now() - authTime.getTime() > this.config.admin.reauthMaxAgeMs) {
      throw rpcFailure(ERROR_CODES.REAUTHENTICATION_REQUIRED);
    }
    return principal;
  }

  async listUsers(dto: AdminUsersListRequestDto): Promise<AdminUserPageResponse> {
    await this.authorize(dto.accessToken);
    const limit = dto.limit ?? ADMIN_PAGE_DEFAULT;
    const after = dto.cursor === undefined ? undefined : decodeCursor(dto.cursor, () => true);
    if (dto.cursor !== undefined && after === undefined) throw badCursor();
    const rows = await this.accounts.search({
      prefix: dto.query === undefined ? undefined : usernameKey(dto.query.trim()),
      status: dto.status,
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const roles = await this.roles.rolesOfMany(page.map((row) => row.id));
    const last = page[page.length - 1];
    return {
      users: page.map((row) => toAdminUser(row, roles.get(row.id) ?? [])),
      nextCursor: rows.length > limit && last ? encodeCursor(last.key) : null,
    };
  }

  async getUser(accessToken: string, userId: string): Promise<AdminUserDetailResponse> {
    await this.authorize(accessToken);
    const account = await this.accounts.find(userId);
    if (!account) throw rpcFailure(ERROR_CODES.USER_NOT_FOUND);
    const [roles, sessions, failures] = await Promise.all([
      this.roles.rolesOf(userId),
      this.sessionRows.listActive(userId, new Date()),
      this.events.list({ userId, type: 'login.failed', limit: RECENT_FAILURES }),
    ]);
    return {
      ...toAdminUser(account, roles),
      sessions: sessions.map(toAdminSession),
      recentFailures: failures.map(toAuditEvent),
    };
  }

  async disable(accessToken: string, userId: string, meta: RequestMeta): Promise<AdminUserChangeResponse> {
    const actor = { principal: await this.authorize(accessToken), meta };
    return this.change(userId, async (trx, account, now) => {
      if (account.disabledAt !== null) return [];
      await this.protectLastAdmin(trx, account);
      await this.accounts.setDisabled(trx, userId, now, now);
      const ended = await this.endAllOf(trx, actor, userId, 'account_disabled', now);
      await this.audit.recordIn(trx, 'admin.account_disabled', this.fields(actor, userId, ended.length));
      return ended;
    });
  }

  async enable(accessToken: string, userId: string, meta: RequestMeta): Promise<AdminUserChangeResponse> {
    const actor = { principal: await this.authorize(accessToken), meta };
    return this.change(userId, async (trx, account, now) => {
      if (account.disabledAt === null) return [];
      await this.accounts.setDisabled(trx, userId, null, now);
      await this.audit.recordIn(trx, 'admin.account_enabled', this.fields(actor, userId));
      return [];
    });
  }

  async delete(accessToken: string, userId: string, meta: RequestMeta): Promise<EndedSessionsResponse> {
    const actor = { principal: await this.authorize(accessToken), meta };
    const { revoked } = await this.change(userId, async (trx, account, now) => {
      await this.protectLastAdmin(trx, account);
      const ended = await this.endAllOf(trx, actor, userId, 'account_deleted', now);
      await this.accounts.removeBelongings(trx, userId);
      await this.users.markDeleted(userId, now, trx);
      await this.audit.recordIn(trx, 'admin.account_deleted', this.fields(actor, userId, ended.length));
      return ended;
    });
    return { revoked };
  }

  /** Ends one session of the user (`sessionId`), or all of them. */
  async endSessions(
    accessToken: string,
    userId: string,
    sessionId: string | undefined,
    meta: RequestMeta,
  ): Promise<EndedSessionsResponse> {
    const actor = { principal: await this.authorize(accessToken), meta };
    const now = new Date();
    const ended = await this.uow.run(async (trx) => {
      if (!(await this.accounts.lock(trx, userId))) throw rpcFailure(ERROR_CODES.USER_NOT_FOUND);
      const ids = await this.sessions.revokeIn(
        trx,
        { userId, ...(sessionId !== undefined && { only: sessionId }) },
        'ended_by_admin',
        { clientIp: meta.clientIp, actorId: actor.principal.userId },
        now,
      );
      if (sessionId !== undefined && ids.length === 0) throw rpcFailure(ERROR_CODES.SESSION_NOT_FOUND);
      await this.audit.recordIn(trx, 'admin.sessions_ended', {
        ...this.fields(actor, userId, ids.length),
        ...(sessionId !== undefined && { sessionId }),
      });
      return ids;
    });
    return this.sessions.ended(ended, now);
  }

  /**
   * Grants and takes away roles together. Taking `admin` away ends the user's sessions at once (their tokens carry
   * it until then); any other change shows in their tokens from their next refresh.
   */
  async changeRoles(dto: AdminChangeRolesRequestDto, meta: RequestMeta): Promise<AdminUserChangeResponse> {
    const actor = { principal: await this.authorize(dto.accessToken), meta };
    const add = dto.add ?? [];
    const remove = dto.remove ?? [];
    const both = add.filter((role) => remove.includes(role));
    if (add.length + remove.length === 0 || both.length > 0) {
      throw rpcFailure(ERROR_CODES.VALIDATION_FAILED, [
        {
          field: both.length > 0 ? 'remove' : 'add',
          messages: [
            both.length > 0
              ? `a role cannot be both added and removed: ${both.join(', ')}`
              : 'add or remove at least one role',
          ],
        },
      ]);
    }
    return this.change(dto.userId, async (trx, account, now) => {
      const removed = await this.roles.revoke(trx, dto.userId, remove);
      if (removed.includes(ADMIN_ROLE)) await this.protectLastAdmin(trx, account, true);
      const added = await this.roles.grant(trx, dto.userId, add, now);
      if (added.length + removed.length === 0) return [];
      await this.audit.recordIn(trx, 'roles.changed', {
        ...this.fields(actor, dto.userId),
        rolesAdded: added,
        rolesRemoved: removed,
      });
      return removed.includes(ADMIN_ROLE) ? this.endAllOf(trx, actor, dto.userId, 'admin_role_removed', now) : [];
    });
  }

  async listAudit(dto: AuditListRequestDto): Promise<AuditEventPageResponse> {
    await this.authorize(dto.accessToken);
    const limit = dto.limit ?? ADMIN_PAGE_DEFAULT;
    const before = dto.cursor === undefined ? undefined : decodeCursor(dto.cursor, (key) => isUUID(key));
    if (dto.cursor !== undefined && before === undefined) throw badCursor();
    const events = await this.events.list({
      userId: dto.userId,
      type: dto.type,
      since: dto.since === undefined ? undefined : new Date(dto.since),
      before,
      limit: limit + 1,
    });
    const page = events.slice(0, limit);
    const last = page[page.length - 1];
    return { events: page.map(toAuditEvent), nextCursor: events.length > limit && last ? encodeCursor(last.id) : null };
  }

  /**
   * Runs `work` on the locked account, under the admin-set lock, in one transaction; answers the account as it is
   * afterwards and the sessions `work` ended (announced to the gateways once committed).
   */
  private async change(
    userId: string,
    work: (trx: Tx, account: AccountRow, now: Date) => Promise<string[]>,
  ): Promise<AdminUserChangeResponse> {
    const now = new Date();
    const { ended, account, roles } = await this.uow.run(async (trx) => {
      await this.roles.lockAdminSet(trx);
      const before = await this.accounts.lock(trx, userId);
      if (!before) throw rpcFailure(ERROR_CODES.USER_NOT_FOUND);
      const ids = await work(trx, before, now);
      const after = (await this.accounts.lock(trx, userId)) ?? before;
      return { ended: ids, account: after, roles: await this.roles.rolesOf(userId, trx) };
    });
    return { user: toAdminUser(account, roles), revoked: this.sessions.ended(ended, now).revoked };
  }

  /** LAST_ADMIN when `account` is (was, before this change) an active administrator and no other one is left. */
  private async protectLastAdmin(trx: Tx, account: AccountRow, isAdmin?: boolean): Promise<void> {
    if (account.disabledAt !== null) return;
    const admin = isAdmin ?? (await this.roles.rolesOf(account.id, trx)).includes(ADMIN_ROLE);
    if (admin && (await this.roles.countActiveAdmins(trx, account.id)) === 0) throw rpcFailure(ERROR_CODES.LAST_ADMIN);
  }

  private endAllOf(trx: Tx, actor: Actor, userId: string, reason: RevocationReason, now: Date): Promise<string[]> {
    const by = { clientIp: actor.meta.clientIp, actorId: actor.principal.userId };
    return this.sessions.revokeIn(trx, { userId }, reason, by, now);
  }

  /**
   * Sends the user the password reset mail of account recovery, to their verified address: the administrator starts
   * a reset and never learns or sets a password (ASVS 6.4.6).
   */
  async passwordReset(accessToken: string, userId: string, meta: RequestMeta): Promise<AcceptedResponse> {
    const actor = { principal: await this.authorize(accessToken), meta };
    this.mail.requireEnabled();
    const user = await this.users.findById(userId);
    if (!user) throw rpcFailure(ERROR_CODES.USER_NOT_FOUND);
    const to = verifiedEmailOf(user);
    if (to === undefined) throw rpcFailure(ERROR_CODES.NO_EMAIL_ON_ACCOUNT);
    const now = new Date();
    await this.uow.run(async (trx) => {
      await this.mail.passwordReset(trx, user, to, now);
      await this.audit.recordIn(trx, 'admin.password_reset_sent', this.fields(actor, userId));
    });
    this.mail.wake();
    return { message: ADMIN_RESET_SENT };
  }

  private fields(actor: Actor, userId: string, sessionsEnded?: number) {
    return {
      userId,
      actorId: actor.principal.userId,
      clientIp: actor.meta.clientIp,
      ...(sessionsEnded !== undefined && { sessionsEnded }),
    };
  }
}

function badCursor() {
  const details: FieldError[] = [{ field: 'cursor', messages: ['cursor is not one this API gave'] }];
  return rpcFailure(ERROR_CODES.VALIDATION_FAILED, details);
}
