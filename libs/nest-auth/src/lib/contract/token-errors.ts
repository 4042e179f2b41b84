/**
 * The errors of a refused access token, as the gateway and every service using this package answer them
 * (`{ statusCode, code, message }`). The platform's full error table spreads these in.
 */
export const TOKEN_ERROR_STATUS = {
  AUTHENTICATION_REQUIRED: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  SESSION_REVOKED: 401,
  FORBIDDEN: 403,
  AUTH_UNAVAILABLE: 503,
} as const satisfies Record<string, number>;

export type TokenErrorCode = keyof typeof TOKEN_ERROR_STATUS;

export function isTokenErrorCode(value: unknown): value is TokenErrorCode {
  return typeof value === 'string' && Object.hasOwn(TOKEN_ERROR_STATUS, value);
}

export const TOKEN_ERROR_MESSAGES = {
  AUTHENTICATION_REQUIRED: 'This route needs an access token: Authorization: Bearer <token>',
  INVALID_TOKEN: 'The access token is invalid',
  TOKEN_EXPIRED: 'The access token has expired; refresh it',
  SESSION_REVOKED: 'This session has ended; log in again',
  FORBIDDEN: 'Your roles do not allow this',
  AUTH_UNAVAILABLE: 'The authentication service is unavailable',
} as const satisfies Record<TokenErrorCode, string>;

/**
 * The `WWW-Authenticate` challenge of a 401 about the access token (RFC 6750 §3): a bare `Bearer` when no usable
 * token came, `error="invalid_token"` when the token itself was refused.
 */
export function bearerChallenge(code: TokenErrorCode): string | undefined {
  switch (code) {
    case 'AUTHENTICATION_REQUIRED':
      return 'Bearer';
    case 'INVALID_TOKEN':
    case 'TOKEN_EXPIRED':
    case 'SESSION_REVOKED':
      return `Bearer error="invalid_token", error_description="${TOKEN_ERROR_MESSAGES[code]}"`;
    case 'FORBIDDEN':
      return `Bearer error="insufficient_scope", error_description="${TOKEN_ERROR_MESSAGES[code]}"`;
    default:
      return undefined;
  }
}

/** The body of a refused request: the same shape as every error of the gateway. */
export interface TokenErrorBody {
  statusCode: number;
  code: TokenErrorCode;
  message: string;
}

export function tokenErrorBody(code: TokenErrorCode): TokenErrorBody {
  return { statusCode: TOKEN_ERROR_STATUS[code], code, message: TOKEN_ERROR_MESSAGES[code] };
}
