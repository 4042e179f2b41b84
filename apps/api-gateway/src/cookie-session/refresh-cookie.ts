import { REFRESH_COOKIE_NAME, REFRESH_COOKIE_PATH, TOKEN_MAX_LENGTH } from '@nestjs-microservices/shared';

/**
 * `Secure` even on plain-HTTP development: browsers treat `http://localhost` as a secure context and keep
 * `Secure` (and `__Secure-`) cookies there; anywhere else the gateway must be behind HTTPS.
 */
const ATTRIBUTES = `Path=${REFRESH_COOKIE_PATH}; HttpOnly; Secure; SameSite=Strict`;
/** What a refresh token may look like in the cookie; anything else is not one of ours. */
const COOKIE_VALUE = new RegExp(`^[A-Za-z0-9_-]{1,${TOKEN_MAX_LENGTH}}$`);

/** The refresh cookie's value from a `Cookie` header, `''` when present but not a token, `undefined` when absent. */
export function readRefreshCookie(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== REFRESH_COOKIE_NAME) continue;
    const value = pair.slice(eq + 1).trim();
    return COOKIE_VALUE.test(value) ? value : '';
  }
  return undefined;
}

/** `Set-Cookie` for a refresh token that expires at `expiresAt`. */
export function refreshCookie(refreshToken: string, expiresAt: Date, now = Date.now()): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - now) / 1_000));
  return `${REFRESH_COOKIE_NAME}=${refreshToken}; Max-Age=${maxAge}; ${ATTRIBUTES}`;
}

/** `Set-Cookie` that deletes the refresh cookie. */
export function clearedRefreshCookie(): string {
  return `${REFRESH_COOKIE_NAME}=; Max-Age=0; ${ATTRIBUTES}`;
}
