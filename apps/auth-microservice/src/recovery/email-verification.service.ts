import { Injectable } from '@nestjs/common';
import {
  type AcceptedResponse,
  type ChangeEmailRequestDto,
  emailKey,
  ERROR_CODES,
  type RequestMeta,
  type SessionAuthDto,
  type UserResponse,
  type VerifyEmailDto,
} from '@nestjs-microservices/shared';
import { AuditLog } from '../audit/audit-log.service';
import { rpcFailure } from '../common/rpc-failure';
import { PasswordHasher } from '../credentials/password-hasher.service';
import { UnitOfWork } from '../database/unit-of-work';
import { LoginThrottle } from '../login-throttle/login-throttle.service';
import { SessionsService } from '../sessions/sessions.service';
import { type User, toUserResponse, verifiedEmailOf } from '../users/user';
import { UsersRepository } from '../users/users.repository';
import { AccountMail } from './account-mail.service';
import { hashAccountToken } from './account-token';
import { AccountTokensRepository } from './account-tokens.repository';

const SENT: AcceptedResponse = { message: 'A verification link was sent to the address.' };

/**
 * The account's address: changing it (with the password), verifying it through the mailed link, and sending the
 * link again. A verified address stays the one used for recovery until a new one is verified; an unverified one is
 * simply replaced.
 */
@Injectable()
export class EmailVerificationService {
  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly mail: AccountMail,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  async change(dto: ChangeEmailRequestDto, meta: RequestMeta): Promise<AcceptedResponse> {
    this.mail.requireEnabled();
    const { user, sessionId } = await this.caller(dto.accessToken);
    const attempt = await this.throttle.begin(user.username, meta.clientIp);
    if (!(await this.hasher.verify(user.passwordHash, dto.currentPassword))) {
      await this.audit.record('email.change_failed', { userId: user.id, sessionId, clientIp: meta.clientIp });
      throw rpcFailure(ERROR_CODES.CURRENT_PASSWORD_INCORRECT);
    }
    await attempt.succeeded();
    const current = verifiedEmailOf(user);
    if (current !== undefined && emailKey(current) === emailKey(dto.email))
      return { message: 'This address is already verified.' };
    if (await this.users.isEmailTaken(dto.email, user.id)) throw rpcFailure(ERROR_CODES.EMAIL_TAKEN);
    const now = new Date();
    if (!(await this.mail.withinBudget(user.id, 'email_verification', now)))
      throw rpcFailure(ERROR_CODES.TOO_MANY_MAILS);
    await this.uow.run(async (trx) => {
      // An unverified address is replaced at once; a verified one stays until the new one is verified.
      if (current === undefined && !(await this.users.setUnverifiedEmail(user.id, dto.email, now, trx))) {
        throw rpcFailure(ERROR_CODES.EMAIL_TAKEN);
      }
      await this.tokens.invalidate(trx, user.id, 'email_verification', now);
      await this.mail.verification(trx, user, dto.email, now);
      await this.mail.emailChanged(trx, user, current, dto.email, now);
    });
    this.mail.wake();
    await this.audit.record('email.change_requested', { userId: user.id, sessionId, clientIp: meta.clientIp });
    return SENT;
  }

  /** Single use: of two concurrent uses of one link, one succeeds and the other gets the invalid-token error. */
  async verify(dto: VerifyEmailDto, meta: RequestMeta): Promise<UserResponse> {
    this.mail.requireEnabled();
    const now = new Date();
    const user = await this.uow.run(async (trx) => {
      const token = await this.tokens.consume(trx, hashAccountToken(dto.token), 'email_verification', now);
      if (!token || token.email === null) return undefined;
      // Another account took the address meanwhile: refused, and the rollback leaves the token unused.
      if (!(await this.users.setVerifiedEmail(token.userId, token.email, now, trx))) {
        throw rpcFailure(ERROR_CODES.EMAIL_TAKEN);
      }
      await this.tokens.invalidate(trx, token.userId, 'email_verification', now);
      return this.users.findById(token.userId, trx);
    });
    if (!user) {
      await this.audit.record('email.verification_failed', { clientIp: meta.clientIp });
      throw rpcFailure(ERROR_CODES.EMAIL_VERIFICATION_TOKEN_INVALID);
    }
    await this.audit.record('email.verified', { userId: user.id, clientIp: meta.clientIp });
    return toUserResponse(user);
  }

  /** Sends the link again: for the pending new address, or else the unverified current one. */
  async resend(dto: SessionAuthDto): Promise<AcceptedResponse> {
    this.mail.requireEnabled();
    const { user } = await this.caller(dto.accessToken);
    const now = new Date();
    const to =
      (await this.tokens.pendingEmail(user.id, now)) ??
      (user.emailVerifiedAt === null ? user.email : null) ??
      undefined;
    if (to === undefined) {
      throw rpcFailure(user.email === null ? ERROR_CODES.NO_EMAIL_ON_ACCOUNT : ERROR_CODES.EMAIL_ALREADY_VERIFIED);
    }
    if (!(await this.mail.withinBudget(user.id, 'email_verification', now)))
      throw rpcFailure(ERROR_CODES.TOO_MANY_MAILS);
    await this.uow.run(async (trx) => {
      await this.tokens.invalidate(trx, user.id, 'email_verification', now);
      await this.mail.verification(trx, user, to, now);
    });
    this.mail.wake();
    return SENT;
  }

  private async caller(accessToken: string): Promise<{ user: User; sessionId: string }> {
    const principal = await this.sessions.authenticate(accessToken);
    const user = await this.users.findById(principal.userId);
    if (!user) throw rpcFailure(ERROR_CODES.SESSION_REVOKED);
    return { user, sessionId: principal.sessionId };
  }
}
