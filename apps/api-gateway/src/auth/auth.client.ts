import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import {
  type AdminChangeRolesRequestDto,
  type AdminEndSessionRequestDto,
  type AdminUserChangeResponse,
  type AdminUserDetailResponse,
  type AdminUserPageResponse,
  type AdminUserRequestDto,
  type AdminUsersListRequestDto,
  type AuditEventPageResponse,
  type AuditListRequestDto,
  type AcceptedResponse,
  AUTH_EVENTS,
  AUTH_PATTERNS,
  AUTH_SERVICE,
  type AuthHealthResponse,
  type AuthRpcContract,
  type ChangeEmailRequestDto,
  type ChangePasswordRequestDto,
  type DeleteAccountRequestDto,
  type EndedSessionsResponse,
  type EndSessionDto,
  ERROR_CODES,
  ERROR_MESSAGES,
  type ForgotPasswordDto,
  isRpcErrorBody,
  type JwksResponse,
  type LoginDto,
  type LoginResponse,
  type RefreshDto,
  type RequestMeta,
  type ResetPasswordDto,
  type RevocationsQueryDto,
  type RevocationsResponse,
  type RevokedSession,
  type RpcErrorBody,
  type RpcRequest,
  type SessionAuthDto,
  type SessionResponse,
  type SignupDto,
  type TokenResponse,
  type UserResponse,
  type VerifyEmailDto,
} from '@nestjs-microservices/shared';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import { ApiError } from '../common/api-error';
import { GatewayConfig } from '../config/gateway-config';
import { AuthRpcMetrics } from '../metrics/auth-rpc.metrics';
import { AuthNatsClient } from './auth-nats.client';

type Pattern = keyof AuthRpcContract;

/**
 * Every call from the gateway to the auth service goes through here: each has a timeout, and
 * transport failures become 503/504 here and nowhere else. Each is timed in `auth_rpc_client_duration_seconds`.
 */
@Injectable()
export class AuthClient {
  private readonly logger = new Logger(AuthClient.name);
  private readonly timeoutMs: number;
  private readonly healthTimeoutMs: number;

  constructor(
    @Inject(AUTH_SERVICE) private readonly client: ClientProxy,
    config: GatewayConfig,
    private readonly metrics: AuthRpcMetrics,
  ) {
    this.timeoutMs = config.auth.timeoutMs;
    this.healthTimeoutMs = config.health.timeoutMs;
  }

  signup(dto: SignupDto, meta: RequestMeta): Promise<UserResponse> {
    return this.call(AUTH_PATTERNS.signup, dto, meta);
  }

  login(dto: LoginDto, meta: RequestMeta): Promise<LoginResponse> {
    return this.call(AUTH_PATTERNS.login, dto, meta);
  }

  refresh(dto: RefreshDto, meta: RequestMeta): Promise<TokenResponse> {
    return this.call(AUTH_PATTERNS.refresh, dto, meta);
  }

  logout(dto: SessionAuthDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.logout, dto, meta);
  }

  logoutAll(dto: SessionAuthDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.logoutAll, dto, meta);
  }

  listSessions(dto: SessionAuthDto, meta: RequestMeta): Promise<SessionResponse[]> {
    return this.call(AUTH_PATTERNS.listSessions, dto, meta);
  }

  endSession(dto: EndSessionDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.endSession, dto, meta);
  }

  changePassword(dto: ChangePasswordRequestDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.changePassword, dto, meta);
  }

  adminListUsers(dto: AdminUsersListRequestDto, meta: RequestMeta): Promise<AdminUserPageResponse> {
    return this.call(AUTH_PATTERNS.adminListUsers, dto, meta);
  }

  adminGetUser(dto: AdminUserRequestDto, meta: RequestMeta): Promise<AdminUserDetailResponse> {
    return this.call(AUTH_PATTERNS.adminGetUser, dto, meta);
  }

  adminDisableUser(dto: AdminUserRequestDto, meta: RequestMeta): Promise<AdminUserChangeResponse> {
    return this.call(AUTH_PATTERNS.adminDisableUser, dto, meta);
  }

  adminEnableUser(dto: AdminUserRequestDto, meta: RequestMeta): Promise<AdminUserChangeResponse> {
    return this.call(AUTH_PATTERNS.adminEnableUser, dto, meta);
  }

  adminDeleteUser(dto: AdminUserRequestDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.adminDeleteUser, dto, meta);
  }

  adminEndSessions(dto: AdminUserRequestDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.adminEndSessions, dto, meta);
  }

  adminEndSession(dto: AdminEndSessionRequestDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.adminEndSession, dto, meta);
  }

  adminChangeRoles(dto: AdminChangeRolesRequestDto, meta: RequestMeta): Promise<AdminUserChangeResponse> {
    return this.call(AUTH_PATTERNS.adminChangeRoles, dto, meta);
  }

  adminPasswordReset(dto: AdminUserRequestDto, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.call(AUTH_PATTERNS.adminPasswordReset, dto, meta);
  }

  adminListAudit(dto: AuditListRequestDto, meta: RequestMeta): Promise<AuditEventPageResponse> {
    return this.call(AUTH_PATTERNS.adminListAudit, dto, meta);
  }

  changeEmail(dto: ChangeEmailRequestDto, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.call(AUTH_PATTERNS.changeEmail, dto, meta);
  }

  verifyEmail(dto: VerifyEmailDto, meta: RequestMeta): Promise<UserResponse> {
    return this.call(AUTH_PATTERNS.verifyEmail, dto, meta);
  }

  resendVerification(dto: SessionAuthDto, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.call(AUTH_PATTERNS.resendVerification, dto, meta);
  }

  forgotPassword(dto: ForgotPasswordDto, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.call(AUTH_PATTERNS.forgotPassword, dto, meta);
  }

  resetPassword(dto: ResetPasswordDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.resetPassword, dto, meta);
  }

  deleteAccount(dto: DeleteAccountRequestDto, meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.call(AUTH_PATTERNS.deleteAccount, dto, meta);
  }

  /** The public keys tokens may be signed with (the gateway's own background refresh). */
  jwks(meta: RequestMeta): Promise<JwksResponse> {
    return this.call(AUTH_PATTERNS.jwks, {}, meta);
  }

  /** The sessions revoked since `since` (all whose tokens may still be alive without it). */
  revocations(query: RevocationsQueryDto, meta: RequestMeta): Promise<RevocationsResponse> {
    return this.call(AUTH_PATTERNS.revocations, query, meta);
  }

  /**
   * Where the transport broadcasts (NATS), calls `listener` with every `AUTH_EVENTS.sessionsRevoked` event
   * (unvalidated: check it) and answers true; answers false where it cannot (TCP). Rejects if NATS is unreachable.
   */
  async onSessionsRevoked(listener: (event: unknown) => void): Promise<boolean> {
    if (!(this.client instanceof AuthNatsClient)) return false;
    await this.client.subscribeToEvent(AUTH_EVENTS.sessionsRevoked, listener);
    return true;
  }

  /**
   * The readiness check: one round trip with its own short timeout (HEALTH_TIMEOUT_MS). The service
   * gets three quarters of it for its database check, so its answer arrives before the gateway gives up.
   */
  health(meta: RequestMeta): Promise<AuthHealthResponse> {
    const budget = { timeoutMs: Math.max(1, Math.floor(this.healthTimeoutMs * 0.75)) };
    return this.call(AUTH_PATTERNS.health, budget, meta, this.healthTimeoutMs);
  }

  private async call<P extends Pattern>(
    pattern: P,
    payload: AuthRpcContract[P]['request'],
    meta: RequestMeta,
    timeoutMs = this.timeoutMs,
  ): Promise<AuthRpcContract[P]['response']> {
    const request: RpcRequest<AuthRpcContract[P]['request']> = { meta, payload };
    const done = this.metrics.startCall(pattern);
    try {
      const response = await lastValueFrom(
        this.client.send<AuthRpcContract[P]['response']>(pattern, request).pipe(timeout(timeoutMs)),
      );
      done('ok');
      return response;
    } catch (error) {
      const apiError = this.toApiError(pattern, error, timeoutMs, meta.requestId);
      done(apiError.code);
      throw apiError;
    }
  }

  private toApiError(pattern: Pattern, error: unknown, timeoutMs: number, requestId: string): ApiError {
    if (isRpcErrorBody(error)) {
      return new ApiError(error.code, error.message, error.details, error.retryAfterSeconds, endedSessionsOf(error));
    }
    if (error instanceof TimeoutError) {
      this.logger.warn({ requestId }, `${pattern}: no answer within ${timeoutMs} ms`);
      return new ApiError(ERROR_CODES.UPSTREAM_TIMEOUT, ERROR_MESSAGES.UPSTREAM_TIMEOUT);
    }
    if (error instanceof Error) {
      // Connection refused, reset or closed while waiting: the service is not there.
      const line = `${pattern}: auth service unavailable (${error.message})`;
      if (OUTAGE_REPORTED_BY_CALLER.has(pattern)) this.logger.debug({ requestId }, line);
      else this.logger.warn({ requestId }, line);
      return new ApiError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE);
    }
    // The service answered, but not with the contract's error shape: a bug on its side.
    this.logger.error({ requestId }, `${pattern}: untyped error from the auth service: ${JSON.stringify(error)}`);
    return new ApiError(ERROR_CODES.INTERNAL_ERROR, ERROR_MESSAGES.INTERNAL_ERROR);
  }
}

/**
 * Polled (revocations every `REVOCATION_SYNC_INTERVAL`, keys every `JWKS_REFETCH_COOLDOWN` while none are known):
 * while the auth service is down, a warning per poll would fill the log. The revocation sync and the key set each warn
 * once per outage and say when it is over; `revocation_sync_failures_total` counts each failed sync.
 */
const OUTAGE_REPORTED_BY_CALLER: ReadonlySet<Pattern> = new Set<Pattern>([
  AUTH_PATTERNS.revocations,
  AUTH_PATTERNS.jwks,
]);

/** The sessions an error says it ended, if it carries a list of them (entries are checked by the revocation list). */
function endedSessionsOf(error: RpcErrorBody): RevokedSession[] | undefined {
  const revoked: unknown = error.revoked;
  if (!Array.isArray(revoked)) return undefined;
  return revoked.filter((entry): entry is RevokedSession => typeof entry === 'object' && entry !== null);
}
