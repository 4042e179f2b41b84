import type { ErrorCode } from '@nestjs-microservices/shared';

/** Errors every route with a JSON body can answer, besides its own. */
export const BODY_ERRORS = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
] as const satisfies readonly ErrorCode[];
/** Errors of every call to the auth service. */
export const UPSTREAM_ERRORS = [
  'AUTH_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'INTERNAL_ERROR',
] as const satisfies readonly ErrorCode[];
/** Errors of every route that needs an access token (503 AUTH_UNAVAILABLE too, while no signing key is known). */
export const TOKEN_ERRORS = [
  'AUTHENTICATION_REQUIRED',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'SESSION_REVOKED',
  'AUTH_UNAVAILABLE',
] as const satisfies readonly ErrorCode[];
