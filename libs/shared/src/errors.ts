import { TOKEN_ERROR_MESSAGES, TOKEN_ERROR_STATUS } from '@nestjs-microservices/nest-auth/contract';
import type { RevokedSession } from './responses/revocations.response';

/**
 * The error contract. The auth service throws `RpcException(body)` with a body of this shape;
 * the gateway answers HTTP with `{ statusCode, code, message, details? }`.
 * The HTTP status of each code is defined here once.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  EMAIL_VERIFICATION_TOKEN_INVALID: 400,
  PASSWORD_RESET_TOKEN_INVALID: 400,
  INVALID_CREDENTIALS: 401,
  ...TOKEN_ERROR_STATUS,
  INVALID_REFRESH_TOKEN: 401,
  REFRESH_TOKEN_REUSED: 401,
  REAUTHENTICATION_REQUIRED: 401,
  CURRENT_PASSWORD_INCORRECT: 403,
  CSRF_REJECTED: 403,
  ACCOUNT_DISABLED: 403,
  NOT_FOUND: 404,
  SESSION_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  REQUEST_TIMEOUT: 408,
  UNKNOWN_PATTERN: 404,
  USERNAME_TAKEN: 409,
  LAST_ADMIN: 409,
  EMAIL_TAKEN: 409,
  NO_EMAIL_ON_ACCOUNT: 409,
  EMAIL_ALREADY_VERIFIED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_ATTEMPTS: 429,
  TOO_MANY_MAILS: 429,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  MAIL_DISABLED: 501,
  UPSTREAM_TIMEOUT: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.fromEntries(Object.keys(ERROR_STATUS).map((code) => [code, code])) as {
  readonly [C in ErrorCode]: C;
};

export const ERROR_MESSAGES = {
  ...TOKEN_ERROR_MESSAGES,
  INVALID_CREDENTIALS: 'Invalid username or password',
  USERNAME_TAKEN: 'This username, or one that looks like it, is already taken',
  VALIDATION_FAILED: 'The request is invalid',
  INTERNAL_ERROR: 'Internal server error',
  UPSTREAM_TIMEOUT: 'The authentication service did not answer in time',
  UNKNOWN_PATTERN: 'Unknown message pattern',
  TOO_MANY_ATTEMPTS: 'Too many failed attempts for this account; try again later',
  RATE_LIMITED: 'Too many requests from this client; try again later',
  TOO_MANY_MAILS: 'Too many mails were sent for this account in the last hour; try again later',
  REQUEST_TIMEOUT: 'The request did not arrive in time',
  HEADERS_TOO_LARGE: 'The request headers are too large',
  INVALID_REFRESH_TOKEN: 'The refresh token is invalid or expired; log in again',
  REFRESH_TOKEN_REUSED: 'This refresh token was already used; the session has been ended for safety',
  CURRENT_PASSWORD_INCORRECT: 'The current password is wrong',
  SESSION_NOT_FOUND: 'You have no active session with this id',
  ACCOUNT_DISABLED: 'This account is disabled',
  REAUTHENTICATION_REQUIRED: 'This needs a recent password login: log in again',
  USER_NOT_FOUND: 'No user has this id',
  LAST_ADMIN: 'This would leave no active administrator',
  EMAIL_TAKEN: 'This address is already used by another account',
  EMAIL_VERIFICATION_TOKEN_INVALID: 'This verification link is invalid, expired or already used; ask for a new one',
  PASSWORD_RESET_TOKEN_INVALID: 'This reset link is invalid, expired or already used; ask for a new one',
  NO_EMAIL_ON_ACCOUNT: 'This account has no address to verify',
  EMAIL_ALREADY_VERIFIED: 'This address is already verified',
  MAIL_DISABLED: 'Mail is switched off on this server (MAIL_ENABLED=false): email and account recovery are unavailable',
  CSRF_REJECTED: 'A request authenticated by the session cookie needs X-Auth-Mode: cookie and an allowed Origin',
} as const satisfies Partial<Record<ErrorCode, string>>;

/** One offending field of a request, as listed in `details` of a VALIDATION_FAILED error. */
export interface FieldError {
  field: string;
  messages: string[];
}

/** What crosses the TCP hop inside `RpcException`. */
export interface RpcErrorBody {
  status: number;
  code: ErrorCode;
  message: string;
  details?: FieldError[];
  /** For TOO_MANY_ATTEMPTS: when to try again. The gateway sends it as the `Retry-After` header. */
  retryAfterSeconds?: number;
  /**
   * For REFRESH_TOKEN_REUSED: the sessions the refresh ended. The gateway puts them on its revocation list before it
   * answers (and never sends them to the client).
   */
  revoked?: RevokedSession[];
}

/** What every HTTP error response of the gateway looks like. */
export interface HttpErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  details?: FieldError[];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

export function rpcError(code: ErrorCode, message: string, details?: FieldError[]): RpcErrorBody {
  return details
    ? { status: ERROR_STATUS[code], code, message, details }
    : { status: ERROR_STATUS[code], code, message };
}

export function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return isErrorCode(candidate['code']) && typeof candidate['message'] === 'string';
}
