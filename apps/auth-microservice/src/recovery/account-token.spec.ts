import { ACCOUNT_TOKEN_PATTERN } from '@nestjs-microservices/shared';
import { hashAccountToken, newAccountToken } from './account-token';

describe('newAccountToken', () => {
  it('is 256 random bits, base64url, accepted by the DTOs, and stored only as its SHA-256', () => {
    const { token, hash } = newAccountToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(token).toMatch(ACCOUNT_TOKEN_PATTERN);
    expect(hash).toBe(hashAccountToken(token));
    expect(hash).not.toContain(token);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1_000 }, () => newAccountToken().token));
    expect(tokens.size).toBe(1_000);
  });
});
