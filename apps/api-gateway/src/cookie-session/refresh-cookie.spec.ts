import { clearedRefreshCookie, readRefreshCookie, refreshCookie } from './refresh-cookie';

describe('refresh cookie', () => {
  it('reads the refresh cookie among others, and only a token-shaped value', () => {
    expect(readRefreshCookie(undefined)).toBeUndefined();
    expect(readRefreshCookie('a=1; b=2')).toBeUndefined();
    expect(readRefreshCookie('a=1; __Secure-refresh-token=abc_DEF-123 ; b=2')).toBe('abc_DEF-123');
    expect(readRefreshCookie('__Secure-refresh-token=')).toBe('');
    expect(readRefreshCookie('__Secure-refresh-token=a%20b')).toBe('');
    expect(readRefreshCookie(`__Secure-refresh-token=${'a'.repeat(5_000)}`)).toBe('');
  });

  it('sets it HttpOnly, Secure, SameSite=Strict on the refresh path until the token expires', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(refreshCookie('tok', new Date(now + 90_500), now)).toBe(
      '__Secure-refresh-token=tok; Max-Age=90; Path=/api/auth/refresh; HttpOnly; Secure; SameSite=Strict',
    );
    expect(refreshCookie('tok', new Date(now - 1), now)).toContain('Max-Age=0;');
    expect(clearedRefreshCookie()).toBe(
      '__Secure-refresh-token=; Max-Age=0; Path=/api/auth/refresh; HttpOnly; Secure; SameSite=Strict',
    );
  });
});
