import { Injectable, Logger } from '@nestjs/common';
import {
  type ChangePasswordRequestDto,
  type EndedSessionsResponse,
  ERROR_CODES,
  type LoginDto,
  type LoginResponse,
  type RequestMeta,
  type SignupDto,
  type UserResponse,
} from '@nestjs-microservices/shared';
import { uuidv7 } from 'uuidv7';
import { AuditLog } from '../audit/audit-log.service';
import { rpcFailure } from '../common/rpc-failure';
import { PasswordHasher } from '../credentials/password-hasher.service';
import { LoginThrottle } from '../login-throttle/login-throttle.service';
import { AccountMetrics } from '../metrics/account.metrics';
import { AccountMail } from '../recovery/account-mail.service';
import { SessionTokens } from '../sessions/session-tokens.service';
import { SessionsService } from '../sessions/sessions.service';
import { type User, toUserResponse, verifiedEmailOf } from './user';
import { UnitOfWork } from '../database/unit-of-work';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly metrics: AccountMetrics,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditLog,
    private readonly sessions: SessionsService,
    private readonly sessionTokens: SessionTokens,
    private readonly uow: UnitOfWork,
    private readonly mail: AccountMail,
  ) {}

  /** Counted in `auth_signups_total` by outcome. */
  signup(dto: SignupDto, meta?: RequestMeta): Promise<UserResponse> {
    return this.metrics.countSignup(() => this.createUser(dto, meta?.clientIp));
  }

  /** Counted in `auth_login_attempts_total` by outcome. */
  login(dto: LoginDto, meta: RequestMeta): Promise<LoginResponse> {
    return this.metrics.countLogin(async () => {
      const user = await this.checkCredentials(dto, meta.clientIp);
      return { user: toUserResponse(user), ...(await this.sessionTokens.start(user, meta)) };
    });
  }

  /**
   * Checks the current password (under the same brute-force throttle as logins), then stores the new hash and
   * ends every other session of the user in one transaction: once this answers, the old password and the other
   * sessions are gone together, even if the process dies right after.
   */
  async changePassword(dto: ChangePasswordRequestDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    const principal = await this.sessions.authenticate(dto.accessToken);
    const user = await this.users.findById(principal.userId);
    if (!user) throw rpcFailure(ERROR_CODES.SESSION_REVOKED);
    const attempt = await this.throttle.begin(user.username, meta.clientIp);
    if (!(await this.hasher.verify(user.passwordHash, dto.currentPassword))) {
      await this.audit.record('password.change_failed', {
        userId: user.id,
        sessionId: principal.sessionId,
        clientIp: meta.clientIp,
      });
      throw rpcFailure(ERROR_CODES.CURRENT_PASSWORD_INCORRECT);
    }
    await attempt.succeeded();
    if (dto.newPassword === dto.currentPassword) {
      throw rpcFailure(ERROR_CODES.VALIDATION_FAILED, [
        { field: 'newPassword', messages: ['newPassword must differ from currentPassword'] },
      ]);
    }
    const passwordHash = await this.hasher.hash(dto.newPassword);
    const now = new Date();
    const ended = await this.uow.run(async (trx) => {
      await this.users.updatePasswordHash(user.id, passwordHash, now, trx);
      await this.mail.passwordChanged(trx, user, verifiedEmailOf(user), 'change', now);
      await this.audit.recordIn(trx, 'password.changed', {
        userId: user.id,
        sessionId: principal.sessionId,
        clientIp: meta.clientIp,
      });
      return this.sessions.endOthers(trx, principal, now, meta);
    });
    this.mail.wake();
    return this.sessions.ended(ended, now);
  }

  /** With an address: the account and its verification mail are written in one transaction. */
  private async createUser(
    { username, password, email }: SignupDto,
    clientIp: string | undefined,
  ): Promise<UserResponse> {
    if (email !== undefined) this.mail.requireEnabled();
    // Not uniqueness checks (the INSERT below is): they spare an argon2 hash for a name (or a look-alike of one)
    // or an address already taken, so a flood of sign-ups for existing ones costs no hashing.
    if (await this.users.isTaken(username)) throw usernameTaken();
    if (email !== undefined && (await this.users.isEmailTaken(email))) throw rpcFailure(ERROR_CODES.EMAIL_TAKEN);
    const user: User = {
      id: uuidv7(),
      username,
      passwordHash: await this.hasher.hash(password),
      createdAt: new Date(),
      disabledAt: null,
      email: email ?? null,
      emailVerifiedAt: null,
    };
    await this.uow.run(async (trx) => {
      const inserted = await this.users.insert(user, trx);
      // Thrown inside: the transaction rolls back (on PostgreSQL the failed INSERT has aborted it anyway).
      if (inserted === 'username_taken') throw usernameTaken();
      if (inserted === 'email_taken') throw rpcFailure(ERROR_CODES.EMAIL_TAKEN);
      await this.audit.recordIn(trx, 'signup.succeeded', { userId: user.id, clientIp });
      if (email !== undefined) await this.mail.verification(trx, user, email, user.createdAt);
    });
    if (email !== undefined) this.mail.wake();
    return toUserResponse(user);
  }

  private async checkCredentials({ username, password }: LoginDto, clientIp?: string): Promise<User> {
    const attempt = await this.throttle.begin(username, clientIp);
    const user = await this.users.findByUsername(username);
    const valid = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyDummy(password);
    if (!user || !valid) {
      await this.audit.record('login.failed', { userId: user?.id, clientIp });
      throw rpcFailure(ERROR_CODES.INVALID_CREDENTIALS);
    }
    await attempt.succeeded();
    if (user.disabledAt !== null) {
      await this.audit.record('login.refused_disabled', { userId: user.id, clientIp });
      throw rpcFailure(ERROR_CODES.ACCOUNT_DISABLED);
    }
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.upgradeHash(user.id, password);
    }
    return user;
  }

  /** Best effort: a failed upgrade must not fail a correct login; the next login tries again. */
  private async upgradeHash(userId: string, password: string): Promise<void> {
    try {
      await this.users.updatePasswordHash(userId, await this.hasher.hash(password), new Date());
    } catch (error) {
      this.logger.warn(`Could not upgrade the password hash of user ${userId}: ${String(error)}`);
    }
  }
}

const usernameTaken = () => rpcFailure(ERROR_CODES.USERNAME_TAKEN);
