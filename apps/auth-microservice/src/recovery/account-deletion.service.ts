import { Injectable } from '@nestjs/common';
import {
  type DeleteAccountRequestDto,
  type EndedSessionsResponse,
  ERROR_CODES,
  type RequestMeta,
} from '@nestjs-microservices/shared';
import { AuditLog } from '../audit/audit-log.service';
import { rpcFailure } from '../common/rpc-failure';
import { PasswordHasher } from '../credentials/password-hasher.service';
import { UnitOfWork } from '../database/unit-of-work';
import { LoginThrottle } from '../login-throttle/login-throttle.service';
import { SessionsService } from '../sessions/sessions.service';
import { UsersRepository } from '../users/users.repository';
import { AccountTokensRepository } from './account-tokens.repository';

/**
 * Deletes an account (with its password, under the login throttle): in one transaction every session ends (and is
 * announced to the gateways like a logout-all), refresh and link tokens are deleted, and the user row becomes a
 * tombstone without password hash or address that holds the username for DELETED_USERNAME_HOLD; then
 * `RecoveryMaintenance` removes it, and with it the ended sessions.
 */
@Injectable()
export class AccountDeletionService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async delete(dto: DeleteAccountRequestDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    const principal = await this.sessions.authenticate(dto.accessToken);
    const user = await this.users.findById(principal.userId);
    if (!user) throw rpcFailure(ERROR_CODES.SESSION_REVOKED);
    const attempt = await this.throttle.begin(user.username, meta.clientIp);
    if (!(await this.hasher.verify(user.passwordHash, dto.currentPassword))) {
      await this.audit.record('account.delete_failed', {
        userId: user.id,
        sessionId: principal.sessionId,
        clientIp: meta.clientIp,
      });
      throw rpcFailure(ERROR_CODES.CURRENT_PASSWORD_INCORRECT);
    }
    await attempt.succeeded();
    const now = new Date();
    const ended = await this.uow.run(async (trx) => {
      const ids = await this.sessions.endAll(trx, user.id, 'account_deleted', { clientIp: meta.clientIp }, now);
      await this.tokens.deleteOfUser(trx, user.id);
      if (!(await this.users.markDeleted(user.id, now, trx))) throw rpcFailure(ERROR_CODES.SESSION_REVOKED);
      // The user id only: no name, no address (they are gone from the row too).
      await this.audit.recordIn(trx, 'account.deleted', { userId: user.id });
      return ids;
    });
    return this.sessions.ended(ended, now);
  }
}
