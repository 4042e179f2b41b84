import { resolveOptions } from './token-auth.options';

const required = { jwksUrl: 'http://gw/api/auth/jwks', issuer: 'urn:i', audience: 'urn:a' };

describe('resolveOptions (TokenAuthModule.forRoot / forRootAsync)', () => {
  it('fills the defaults: 15 min tokens, 30 s tolerance, the feed polled every second', () => {
    expect(resolveOptions({ ...required, revocations: { url: 'http://gw/api/auth/revocations', token: 't' } })).toEqual(
      {
        ...required,
        accessTokenTtlSeconds: 900,
        clockToleranceSeconds: 30,
        jwksRefreshIntervalMs: 60_000,
        jwksRefetchCooldownMs: 5_000,
        verifiedTokenCacheSize: 10_000,
        httpTimeoutMs: 5_000,
        revocations: { url: 'http://gw/api/auth/revocations', token: 't', intervalMs: 1_000 },
      },
    );
  });

  it('caps the clock tolerance at 30 s', () => {
    expect(resolveOptions({ ...required, clockToleranceSeconds: 3_600 }).clockToleranceSeconds).toBe(30);
  });

  it.each([
    ['no jwksUrl', { ...required, jwksUrl: '' }],
    ['no issuer', { ...required, issuer: undefined as unknown as string }],
    ['no audience', { ...required, audience: '' }],
    ['a feed without its token', { ...required, revocations: { url: 'http://gw/api/auth/revocations', token: '' } }],
  ])('refuses %s at start-up', (_label, options) => {
    expect(() => resolveOptions(options)).toThrow(/TokenAuthModule/);
  });
});
