export { AuthError, type ClientErrorCode } from './lib/auth-error';
export {
  type AuthClient,
  type AuthClientOptions,
  type AuthMode,
  createAuthClient,
  type LoginResult,
  type RefreshResult,
  type SignedOutEvent,
  type SignedOutListener,
} from './lib/auth-client';
export { memoryStorage, type TokenStorage } from './lib/storage';
export type {
  ChangePasswordDto,
  CookieLoginResponse,
  CookieTokenResponse,
  ErrorCode,
  FieldError,
  LoginDto,
  LoginResponse,
  MeResponse,
  SessionResponse,
  SignupDto,
  TokenResponse,
  UserResponse,
} from '@nestjs-microservices/shared';
