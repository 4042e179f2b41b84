import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode, type FieldError, type HttpErrorBody } from '../errors';

/** When each code is answered: the documentation of the error contract, next to it (a new code needs one). */
export const ERROR_DESCRIPTIONS = {
  VALIDATION_FAILED: 'missing, mistyped, out-of-rule or unknown fields; `details` lists each field',
  MALFORMED_JSON: 'the body is not JSON (or is empty)',
  BAD_REQUEST: 'any other malformed request',
  INVALID_CREDENTIALS: 'unknown user or wrong password (indistinguishable)',
  AUTHENTICATION_REQUIRED: 'a protected route called without `Authorization: Bearer <access token>`',
  INVALID_TOKEN: 'the access token is malformed, forged, signed by an unknown key or for another issuer or audience',
  TOKEN_EXPIRED: 'the access token has expired: get a new one at `POST /api/auth/refresh`',
  SESSION_REVOKED: 'the session of the access token has ended (logout, password change, detected theft): log in again',
  INVALID_REFRESH_TOKEN: 'the refresh token is unknown, expired, or its session has ended: log in again',
  REFRESH_TOKEN_REUSED:
    'a used refresh token came back after the grace window: the session is ended as probably stolen',
  CURRENT_PASSWORD_INCORRECT: 'password change with a wrong current password',
  CSRF_REJECTED:
    'a request the refresh cookie would authenticate came without `X-Auth-Mode: cookie`, or (cookie mode) from an `Origin` not in `CORS_ORIGINS`',
  FORBIDDEN: 'the caller is authenticated but lacks the role the route needs (e.g. `admin`)',
  ACCOUNT_DISABLED: 'the account is disabled by an administrator: no login, no refresh',
  REAUTHENTICATION_REQUIRED:
    'an admin route needs a token whose password login (`auth_time`) is more recent than ADMIN_REAUTH_MAX_AGE: log in again',
  USER_NOT_FOUND: 'no user has this id',
  LAST_ADMIN: 'the change would leave no active administrator (disable, demote or delete of the last one)',
  NOT_FOUND: 'unknown route',
  SESSION_NOT_FOUND: "no active session of the caller has this id (other users' sessions are never found)",
  REQUEST_TIMEOUT: 'the request did not arrive whole within the request timeout (the connection is closed)',
  HEADERS_TOO_LARGE: 'the request headers are larger than the server accepts (the connection is closed)',
  UNKNOWN_PATTERN: 'the auth service does not know the message pattern (TCP only)',
  USERNAME_TAKEN: 'sign-up with a name that exists in any letter case',
  PAYLOAD_TOO_LARGE: 'the body is larger than the limit (16 KB by default)',
  UNSUPPORTED_MEDIA_TYPE: 'a body whose content type is not `application/json`',
  RATE_LIMITED: 'too many requests from this client (IP) on this route: wait `Retry-After` seconds',
  TOO_MANY_ATTEMPTS: 'this client failed too often on this account: wait `Retry-After` seconds before trying again',
  EMAIL_VERIFICATION_TOKEN_INVALID: 'a verification token that is unknown, expired or already used',
  PASSWORD_RESET_TOKEN_INVALID:
    'a reset token that is unknown, expired, already used or replaced by a newer one (counted like a failed login)',
  EMAIL_TAKEN: 'an address another account holds, in any letter case',
  NO_EMAIL_ON_ACCOUNT: 'a verification mail asked for by an account without an address',
  EMAIL_ALREADY_VERIFIED: 'a verification mail asked for while the address is verified and no change is pending',
  MAIL_DISABLED: 'the server runs with MAIL_ENABLED=false: email, verification and password reset are unavailable',
  TOO_MANY_MAILS: 'this account was sent EMAIL_VERIFICATION_MAX_PER_HOUR verification mails in the last hour',
  INTERNAL_ERROR: 'a bug; logged with its stack by the service that threw it',
  AUTH_UNAVAILABLE: 'the auth service cannot be reached',
  UPSTREAM_TIMEOUT: 'the auth service did not answer in time',
} as const satisfies Record<ErrorCode, string>;

/** Every error code of the contract, in the order of `ERROR_STATUS`. */
export const ALL_ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export class FieldErrorResponse implements FieldError {
  @ApiProperty({ description: 'The offending field; nested fields are dotted (`a.b`)', example: 'password' })
  field!: string;

  @ApiProperty({
    description: 'What is wrong with it (never the rejected value)',
    type: [String],
    example: ['password must be longer than or equal to 8 characters'],
  })
  messages!: string[];
}

/** The one shape of every HTTP error of the gateway, as a schema for the OpenAPI document. */
export class ErrorResponse implements HttpErrorBody {
  @ApiProperty({ description: 'The HTTP status, repeated', example: 400 })
  statusCode!: number;

  @ApiProperty({
    description: 'Stable, machine-readable error code; the status of each code is fixed',
    enum: ALL_ERROR_CODES,
    enumName: 'ErrorCode',
    example: 'VALIDATION_FAILED',
  })
  code!: ErrorCode;

  @ApiProperty({ description: 'Human-readable and safe to show', example: 'The request is invalid' })
  message!: string;

  @ApiPropertyOptional({
    description: 'Only with VALIDATION_FAILED: one entry per offending field',
    type: () => [FieldErrorResponse],
  })
  details?: FieldErrorResponse[];
}
