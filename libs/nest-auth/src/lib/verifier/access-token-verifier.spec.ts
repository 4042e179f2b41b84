import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { AccessTokenError, createAccessTokenVerifier, SigningKeysUnavailableError } from './access-token-verifier';

const ISSUER = 'urn:test:auth';
const AUDIENCE = 'urn:test:api';
const ours = generateKeyPairSync('ed25519');
const foreign = generateKeyPairSync('ed25519');
const KID = 'kid-1';
const pem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function token(
  overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: KeyObject } = {},
): string {
  const now = Math.floor(Date.now() / 1_000);
  const header = { alg: 'EdDSA', typ: 'at+jwt', kid: KID, ...overrides.header };
  const claims = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    sid: 'session-1',
    jti: 'jti-1',
    iat: now,
    exp: now + 900,
    username: 'alice',
    ...overrides.claims,
  };
  const input = `${b64(header)}.${b64(claims)}`;
  const signature = sign(null, Buffer.from(input), overrides.key ?? ours.privateKey).toString('base64url');
  return `${input}.${signature}`;
}

function verifier(resolveKey = (kid: string) => Promise.resolve(kid === KID ? pem(ours.publicKey) : undefined)) {
  return createAccessTokenVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSeconds: 30,
    accessTtlMs: 900_000,
    resolveKey,
    cacheSize: 0,
  });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; reason: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof AccessTokenError)) throw new Error(`expected an AccessTokenError, got ${String(error)}`);
  return { code: error.code, reason: error.reason };
}

describe('createAccessTokenVerifier', () => {
  const now = () => Math.floor(Date.now() / 1_000);

  it('returns the claims of a valid token', async () => {
    await expect(verifier()(token())).resolves.toMatchObject({ sub: 'user-1', sid: 'session-1', username: 'alice' });
  });

  it.each([
    ['a tampered payload', () => token().replace(/\.([^.]+)\./, (_m, p: string) => `.${p.slice(0, -2)}AA.`)],
    ['a tampered signature', () => `${token().slice(0, -4)}AAAA`],
    ['alg: none', () => `${b64({ alg: 'none', typ: 'at+jwt', kid: KID })}.${token().split('.')[1] ?? ''}.`],
    ['HS256 with the public key as secret', () => token({ header: { alg: 'HS256' } })],
    ['a foreign key under our kid', () => token({ key: foreign.privateKey })],
    ['an unknown kid', () => token({ header: { kid: 'someone-else' } })],
    ['no kid', () => token({ header: { kid: undefined } })],
    ['a wrong audience', () => token({ claims: { aud: 'urn:other' } })],
    ['a wrong issuer', () => token({ claims: { iss: 'urn:other' } })],
    ['a wrong typ', () => token({ header: { typ: 'JWT' } })],
    ['a missing sid', () => token({ claims: { sid: undefined } })],
    ['a numeric sub', () => token({ claims: { sub: 42 } })],
    ['an iat in the future beyond the tolerance', () => token({ claims: { iat: now() + 120 } })],
    ['an nbf in the future beyond the tolerance', () => token({ claims: { nbf: now() + 120 } })],
    ['garbage', () => 'not.a.jwt'],
    ['no iat', () => token({ claims: { iat: undefined } })],
    ['a fractional iat', () => token({ claims: { iat: now() + 0.5 } })],
    ['a lifetime of ACCESS_TOKEN_TTL plus the tolerance plus 1 s', () => token({ claims: { exp: now() + 931 } })],
    ['a lifetime of a year, iat a year ago', () => token({ claims: { iat: now() - 31_536_000, exp: now() + 60 } })],
  ])('refuses %s with INVALID_TOKEN', async (_label, make) => {
    await expect(failure(verifier()(make()))).resolves.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  // GHSA-hm7r-c7qw-ghp6: critical header extensions the verifier does not understand must be refused (RFC 7515 §4.1.11).
  it('refuses a crit extension it does not understand with INVALID_TOKEN, for that reason', async () => {
    const refused = await failure(verifier()(token({ header: { crit: ['urn:x-bound'], 'urn:x-bound': 1 } })));
    expect(refused).toEqual({ code: 'INVALID_TOKEN', reason: expect.stringMatching(/crit/i) });
  });

  it('answers TOKEN_EXPIRED past exp plus the tolerance, and accepts within it', async () => {
    await expect(failure(verifier()(token({ claims: { exp: now() - 31 } })))).resolves.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
    await expect(verifier()(token({ claims: { exp: now() - 20 } }))).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('accepts a lifetime of exactly ACCESS_TOKEN_TTL plus the tolerance, and says why a longer one is refused', async () => {
    await expect(verifier()(token({ claims: { exp: now() + 930 } }))).resolves.toMatchObject({ sub: 'user-1' });
    await expect(failure(verifier()(token({ claims: { exp: now() + 931 } })))).resolves.toEqual({
      code: 'INVALID_TOKEN',
      reason: expect.stringMatching(/ACCESS_TOKEN_TTL/),
    });
  });

  it('lets SigningKeysUnavailableError through, so the caller can answer 503 instead of 401', async () => {
    const verify = verifier(() => Promise.reject(new SigningKeysUnavailableError('down')));
    await expect(verify(token())).rejects.toBeInstanceOf(SigningKeysUnavailableError);
  });

  it('with a cache, checks the signature of a token once', async () => {
    const resolveKey = jest.fn((kid: string) => Promise.resolve(kid === KID ? pem(ours.publicKey) : undefined));
    const verify = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 0,
      accessTtlMs: 900_000,
      resolveKey,
      cacheSize: 10,
    });
    const valid = token();
    await verify(valid);
    await verify(valid);
    expect(resolveKey).toHaveBeenCalledTimes(1);
    await expect(failure(verify(`${valid.slice(0, -4)}AAAA`))).resolves.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('with a cache, a remembered token stops counting at exp plus the tolerance: TOKEN_EXPIRED then', async () => {
    const verify = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 5,
      accessTtlMs: 900_000,
      resolveKey: () => Promise.resolve(pem(ours.publicKey)),
      cacheSize: 10,
    });
    const exp = now() + 60;
    const valid = token({ claims: { exp } });
    await expect(verify(valid)).resolves.toMatchObject({ sub: 'user-1' });
    const clock = jest.spyOn(Date, 'now');
    try {
      clock.mockReturnValue((exp + 4) * 1_000);
      await expect(verify(valid)).resolves.toMatchObject({ sub: 'user-1' });
      clock.mockReturnValue((exp + 6) * 1_000);
      await expect(failure(verify(valid))).resolves.toMatchObject({ code: 'TOKEN_EXPIRED' });
      await expect(failure(verify(valid))).resolves.toMatchObject({ code: 'TOKEN_EXPIRED' });
    } finally {
      clock.mockRestore();
    }
  });

  it('with a cache, never remembers a token it refused', async () => {
    const verify = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 0,
      accessTtlMs: 900_000,
      resolveKey: () => Promise.resolve(pem(ours.publicKey)),
      cacheSize: 10,
    });
    const forged = token({ key: foreign.privateKey });
    await expect(failure(verify(forged))).resolves.toMatchObject({ code: 'INVALID_TOKEN' });
    await expect(failure(verify(forged))).resolves.toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('with a cache, does not remember a failed key lookup: the key may be there on the next try', async () => {
    let known = false;
    const verify = createAccessTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSeconds: 30,
      accessTtlMs: 900_000,
      resolveKey: () => Promise.resolve(known ? pem(ours.publicKey) : undefined),
      cacheSize: 10,
    });
    const valid = token();
    await expect(failure(verify(valid))).resolves.toMatchObject({ code: 'INVALID_TOKEN' });
    known = true;
    await expect(verify(valid)).resolves.toMatchObject({ sub: 'user-1' });
  });
});
