import type { HealthCheckDto } from './dto/health-check.dto';
import type { LoginDto } from './dto/login.dto';
import type { SignupDto } from './dto/signup.dto';
import type { AuthHealthResponse } from './responses/health.response';
import type { LoginResponse, UserResponse } from './responses/user.response';

/**
 * Every message pattern the auth service answers. Both apps import these constants;
 * a pattern string written anywhere else is a bug.
 */
export const AUTH_PATTERNS = {
  signup: 'auth.signup',
  login: 'auth.login',
  health: 'auth.health',
} as const;

export type AuthPattern = (typeof AUTH_PATTERNS)[keyof typeof AUTH_PATTERNS];

/**
 * What each pattern takes and answers; the gateway's calls are typed by it. Every request travels
 * as `RpcRequest<request>`: the DTO in `payload`, who asked in `meta`.
 */
export interface AuthRpcContract {
  [AUTH_PATTERNS.signup]: { request: SignupDto; response: UserResponse };
  [AUTH_PATTERNS.login]: { request: LoginDto; response: LoginResponse };
  [AUTH_PATTERNS.health]: { request: HealthCheckDto; response: AuthHealthResponse };
}
