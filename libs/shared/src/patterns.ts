import type {
  AdminChangeRolesRequestDto,
  AdminEndSessionRequestDto,
  AdminUserRequestDto,
  AdminUsersListRequestDto,
  AuditListRequestDto,
} from './dto/admin.dto';
import type { HealthCheckDto } from './dto/health-check.dto';
import type { LoginDto } from './dto/login.dto';
import type {
  ChangeEmailRequestDto,
  DeleteAccountRequestDto,
  ForgotPasswordDto,
  ResetPasswordDto,
  VerifyEmailDto,
} from './dto/recovery.dto';
import type { RefreshDto } from './dto/refresh.dto';
import type { RevocationsQueryDto } from './dto/revocations.dto';
import type { ChangePasswordRequestDto, EndSessionDto, SessionAuthDto } from './dto/session-auth.dto';
import type { SignupDto } from './dto/signup.dto';
import type {
  AdminUserChangeResponse,
  AdminUserDetailResponse,
  AdminUserPageResponse,
  AuditEventPageResponse,
} from './responses/admin.response';
import type { AcceptedResponse } from './responses/accepted.response';
import type { AuthHealthResponse } from './responses/health.response';
import type { JwksResponse } from './responses/jwks.response';
import type { RevocationsResponse } from './responses/revocations.response';
import type { EndedSessionsResponse, SessionResponse } from './responses/session.response';
import type { LoginResponse, TokenResponse } from './responses/token.response';
import type { UserResponse } from './responses/user.response';

/**
 * Every message pattern the auth service answers. Both apps import these constants;
 * a pattern string written anywhere else is a bug.
 */
export const AUTH_PATTERNS = {
  signup: 'auth.signup',
  login: 'auth.login',
  refresh: 'auth.refresh',
  logout: 'auth.logout',
  logoutAll: 'auth.logout-all',
  listSessions: 'auth.sessions.list',
  endSession: 'auth.sessions.end',
  changePassword: 'auth.password.change',
  changeEmail: 'auth.email.change',
  verifyEmail: 'auth.email.verify',
  resendVerification: 'auth.email.resend',
  forgotPassword: 'auth.password.forgot',
  resetPassword: 'auth.password.reset',
  deleteAccount: 'auth.account.delete',
  jwks: 'auth.jwks',
  revocations: 'auth.revocations',
  health: 'auth.health',
  adminListUsers: 'auth.admin.users.list',
  adminGetUser: 'auth.admin.users.get',
  adminDisableUser: 'auth.admin.users.disable',
  adminEnableUser: 'auth.admin.users.enable',
  adminDeleteUser: 'auth.admin.users.delete',
  adminEndSessions: 'auth.admin.sessions.end-all',
  adminEndSession: 'auth.admin.sessions.end',
  adminChangeRoles: 'auth.admin.users.roles',
  adminListAudit: 'auth.admin.audit.list',
  adminPasswordReset: 'auth.admin.users.password-reset',
} as const;

export type AuthPattern = (typeof AUTH_PATTERNS)[keyof typeof AUTH_PATTERNS];

/**
 * Events the auth service publishes when a broker carries them (TRANSPORT=nats): no reply, and every gateway
 * gets each one (not one member of a queue group). `sessionsRevoked` carries `EndedSessionsResponse`.
 */
export const AUTH_EVENTS = {
  sessionsRevoked: 'auth.events.sessions-revoked',
} as const;

export type AuthEvent = (typeof AUTH_EVENTS)[keyof typeof AUTH_EVENTS];

/** `auth.jwks` takes no arguments. */
export type NoArguments = Record<string, never>;

/**
 * What each pattern takes and answers; the gateway's calls are typed by it. Every request travels
 * as `RpcRequest<request>`: the DTO in `payload`, who asked in `meta`.
 */
export interface AuthRpcContract {
  [AUTH_PATTERNS.signup]: { request: SignupDto; response: UserResponse };
  [AUTH_PATTERNS.login]: { request: LoginDto; response: LoginResponse };
  [AUTH_PATTERNS.refresh]: { request: RefreshDto; response: TokenResponse };
  [AUTH_PATTERNS.logout]: { request: SessionAuthDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.logoutAll]: { request: SessionAuthDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.listSessions]: { request: SessionAuthDto; response: SessionResponse[] };
  [AUTH_PATTERNS.endSession]: { request: EndSessionDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.changePassword]: { request: ChangePasswordRequestDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.changeEmail]: { request: ChangeEmailRequestDto; response: AcceptedResponse };
  [AUTH_PATTERNS.verifyEmail]: { request: VerifyEmailDto; response: UserResponse };
  [AUTH_PATTERNS.resendVerification]: { request: SessionAuthDto; response: AcceptedResponse };
  [AUTH_PATTERNS.forgotPassword]: { request: ForgotPasswordDto; response: AcceptedResponse };
  [AUTH_PATTERNS.resetPassword]: { request: ResetPasswordDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.deleteAccount]: { request: DeleteAccountRequestDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.jwks]: { request: NoArguments; response: JwksResponse };
  [AUTH_PATTERNS.revocations]: { request: RevocationsQueryDto; response: RevocationsResponse };
  [AUTH_PATTERNS.health]: { request: HealthCheckDto; response: AuthHealthResponse };
  [AUTH_PATTERNS.adminListUsers]: { request: AdminUsersListRequestDto; response: AdminUserPageResponse };
  [AUTH_PATTERNS.adminGetUser]: { request: AdminUserRequestDto; response: AdminUserDetailResponse };
  [AUTH_PATTERNS.adminDisableUser]: { request: AdminUserRequestDto; response: AdminUserChangeResponse };
  [AUTH_PATTERNS.adminEnableUser]: { request: AdminUserRequestDto; response: AdminUserChangeResponse };
  [AUTH_PATTERNS.adminDeleteUser]: { request: AdminUserRequestDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.adminEndSessions]: { request: AdminUserRequestDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.adminEndSession]: { request: AdminEndSessionRequestDto; response: EndedSessionsResponse };
  [AUTH_PATTERNS.adminChangeRoles]: { request: AdminChangeRolesRequestDto; response: AdminUserChangeResponse };
  [AUTH_PATTERNS.adminListAudit]: { request: AuditListRequestDto; response: AuditEventPageResponse };
  [AUTH_PATTERNS.adminPasswordReset]: { request: AdminUserRequestDto; response: AcceptedResponse };
}
