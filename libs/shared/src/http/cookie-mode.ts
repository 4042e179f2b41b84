import type { LoginResponse, TokenResponse } from '../responses/token.response';

/** Request header that selects cookie mode, and the CSRF proof every cookie-authenticated request must carry. */
export const AUTH_MODE_HEADER = 'x-auth-mode';
/** The one value of `X-Auth-Mode`. */
export const COOKIE_AUTH_MODE = 'cookie';
/**
 * Where cookie mode keeps the refresh token. `__Secure-` (not `__Host-`, which demands `Path=/`): the cookie is
 * only ever sent to the one route that reads it.
 */
export const REFRESH_COOKIE_NAME = '__Secure-refresh-token';
export const REFRESH_COOKIE_PATH = '/api/auth/refresh';

/** A cookie-mode refresh answer: the refresh token went into the cookie. */
export type CookieTokenResponse = Omit<TokenResponse, 'refreshToken'>;
/** A cookie-mode login answer: the refresh token went into the cookie. */
export type CookieLoginResponse = Omit<LoginResponse, 'refreshToken'>;
