import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type AcceptedResponse,
  type EndedSessionsResponse,
  ERROR_CODES,
  type ForgotPasswordDto,
  PASSWORD_RESET_ACCEPTED_MESSAGE,
  type RequestMeta,
  type ResetPasswordDto,
} from '@nestjs-microservices/shared';
import { AuditLog } from '../audit/audit-log.service';
import { rpcFailure } from '../common/rpc-failure';
import { PasswordHasher } from '../credentials/password-hasher.service';
import { type Tx, UnitOfWork } from '../database/unit-of-work';
import { clientKey } from '../login-throttle/client-key';
import { LoginThrottle } from '../login-throttle/login-throttle.service';
import { MailDeliveryWorker } from '../mail/mail-delivery.worker';
import { Outbox } from '../mail/outbox.service';
import { SessionsService } from '../sessions/sessions.service';
import { verifiedEmailOf } from '../users/user';
import { UsersRepository } from '../users/users.repository';
import { AccountMail } from './account-mail.service';
import { hashAccountToken } from './account-token';
import { AccountTokensRepository } from './account-tokens.repository';

export const RESET_REQUEST_JOB = 'password-reset.request';

/** What a forgot-password request leaves in the outbox: who, as typed. Deleted once handled. */
interface ResetRequest {
  email?: string;
  username?: string;
}

const ACCEPTED: AcceptedResponse = { message: PASSWORD_RESET_ACCEPTED_MESSAGE };

/**
 * Password reset. `forgot` does the same work for every request — one outbox row, the request itself — and answers;
 * whether an account matches, has a verified address and is within its hourly budget is decided later by the
 * delivery worker (`handleRequest`), which writes the reset mail in the same transaction that completes the request.
 * So the answer and its timing say nothing about accounts, and the request is as durable as a mail.
 */
@Injectable()
export class PasswordResetService implements OnModuleInit {
  private readonly logger = new Logger('PasswordReset');

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly mail: AccountMail,
    private readonly outbox: Outbox,
    private readonly worker: MailDeliveryWorker,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): void {
    this.worker.registerJob(RESET_REQUEST_JOB, (payload, complete) => this.handleRequest(payload, complete));
  }

  async forgot(dto: ForgotPasswordDto): Promise<AcceptedResponse> {
    this.mail.requireEnabled();
    const request: ResetRequest = dto.email !== undefined ? { email: dto.email } : { username: dto.username };
    await this.uow.run((trx) => this.outbox.job(trx, RESET_REQUEST_JOB, request));
    // No wake-up: the request waits for the next poll (MAIL_POLL_INTERVAL). Handled at once, the extra work for an
    // existing account would run right behind its answer, on the same CPUs, and show in the answer times.
    return ACCEPTED;
  }

  /** Run by the delivery worker: a reset mail if an account matches with a verified address, within its budget. */
  async handleRequest(payload: unknown, complete: (trx: Tx) => Promise<void>): Promise<void> {
    const request = (payload ?? {}) as ResetRequest;
    const user =
      typeof request.email === 'string'
        ? await this.users.findByEmail(request.email)
        : typeof request.username === 'string'
          ? await this.users.findByUsername(request.username)
          : undefined;
    const to = user && verifiedEmailOf(user);
    const now = new Date();
    const send =
      user !== undefined && to !== undefined && (await this.mail.withinBudget(user.id, 'password_reset', now));
    await this.uow.run(async (trx) => {
      if (send) {
        await this.mail.passwordReset(trx, user, to, now);
        await this.audit.recordIn(trx, 'password.reset_requested', { userId: user.id });
      }
      await complete(trx);
    });
    if (send) {
      this.mail.wake();
    } else if (user && to) {
      this.logger.log(`Reset mail for user ${user.id} not sent: PASSWORD_RESET_MAX_PER_HOUR reached`);
    }
  }

  /**
   * Sets the new password, ends every session, uses up every reset link, clears the account's failed logins and
   * sends the notice, in one transaction. A wrong token counts against the client like a failed login.
   */
  async reset(dto: ResetPasswordDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    this.mail.requireEnabled();
    // The throttle's "account" is the client itself: wrong tokens cannot be tied to an account, and one shared key
    // would let a single client lock everyone out. `#` cannot occur in a username.
    const attempt = await this.throttle.begin(`#reset:${clientKey(meta.clientIp)}`, meta.clientIp);
    const hash = hashAccountToken(dto.token);
    const now = new Date();
    if (!(await this.tokens.isUsable(hash, 'password_reset', now))) throw await this.invalid(meta);
    await attempt.succeeded();
    const passwordHash = await this.hasher.hash(dto.newPassword);
    const done = await this.uow.run(async (trx) => {
      const token = await this.tokens.consume(trx, hash, 'password_reset', now);
      const user = token && (await this.users.findById(token.userId, trx));
      if (!user) return undefined;
      await this.users.updatePasswordHash(user.id, passwordHash, now, trx);
      await this.tokens.invalidate(trx, user.id, 'password_reset', now);
      const ended = await this.sessions.endAll(trx, user.id, 'password_reset', { clientIp: meta.clientIp }, now);
      await this.mail.passwordChanged(trx, user, verifiedEmailOf(user), 'reset', now);
      await this.audit.recordIn(trx, 'password.reset', { userId: user.id, clientIp: meta.clientIp });
      return { user, ended };
    });
    if (!done) throw await this.invalid(meta);
    const { user, ended } = done;
    await this.throttle.resetAccount(user.username);
    this.mail.wake();
    return this.sessions.ended(ended, now);
  }

  private async invalid(meta: RequestMeta) {
    await this.audit.record('password.reset_failed', { clientIp: meta.clientIp });
    return rpcFailure(ERROR_CODES.PASSWORD_RESET_TOKEN_INVALID);
  }
}
