import { createPublicKey, sign, verify } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { newSigningKey, type TestSigningKey } from '../../testing/signed-tokens';
import type { JwksDocument as JwksResponse, PublicSigningJwk as PublicJwkResponse } from '../contract/jwks';
import { SigningKeysUnavailableError } from '../verifier/access-token-verifier';
import { SigningKeySet } from './signing-key-set';

const unavailable = () => new Error('the key source is unreachable');
const jwksOf = (...keys: TestSigningKey[]): JwksResponse => ({ keys: keys.map((key) => key.jwk) });

/** A promise settled from outside, to hold a fetch in flight. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((_resolve) => {
    resolve = _resolve;
  });
  return { promise, resolve };
}

describe('SigningKeySet', () => {
  const first = newSigningKey('kid-1');
  const second = newSigningKey('kid-2');
  let jwks: jest.Mock<Promise<JwksResponse>, []>;
  let warn: jest.SpyInstance;
  let service: SigningKeySet;

  /** Refreshed every 60 s, refetched at most every 5 s (the defaults). */
  const create = (refreshIntervalMs = 60_000) => {
    service = new SigningKeySet({ fetchJwks: jwks, refreshIntervalMs, refetchCooldownMs: 5_000 });
    return service;
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    jwks = jest.fn<Promise<JwksResponse>, []>().mockResolvedValue(jwksOf(first));
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    service.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('fetches at bootstrap and resolves each kid to the SPKI PEM of its Ed25519 key', async () => {
    await create().onApplicationBootstrap();

    const pem = await service.resolveKey('kid-1');
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const key = createPublicKey(pem ?? '');
    expect(key.asymmetricKeyType).toBe('ed25519');
    const signature = sign(null, Buffer.from('data'), first.privateKey);
    expect(verify(null, Buffer.from('data'), key, signature)).toBe(true);
    expect(service.size).toBe(1);
    expect(jwks).toHaveBeenCalledTimes(1);
  });

  it('starts without keys when the auth service is down, with a warning, and fetches again later', async () => {
    jwks.mockRejectedValueOnce(unavailable());

    await expect(create().onApplicationBootstrap()).resolves.toBeUndefined();
    expect(service.size).toBe(0);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('without signing keys'));

    // Without keys it retries every cooldown (5 s), not every refresh interval (60 s).
    jwks.mockRejectedValueOnce(unavailable());
    await jest.advanceTimersByTimeAsync(5_000);
    expect(service.size).toBe(0);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(service.size).toBe(1);
    expect(jwks).toHaveBeenCalledTimes(3);
    // Then every refresh interval again.
    await jest.advanceTimersByTimeAsync(55_000);
    expect(jwks).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(jwks).toHaveBeenCalledTimes(4);
  });

  it('warns once per outage, however many fetches fail, and says when the keys can be fetched again', async () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jwks.mockRejectedValue(unavailable());
    await create().onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(jwks).toHaveBeenCalledTimes(13);
    const fetchWarnings = () => warn.mock.calls.filter(([line]) => String(line).startsWith('Could not fetch')).length;
    expect(fetchWarnings()).toBe(1);

    jwks.mockResolvedValue(jwksOf(first));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(service.size).toBe(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('Signing keys fetched again'));

    // A later outage is a new one: warned again.
    jwks.mockRejectedValue(unavailable());
    await service.refresh();
    expect(fetchWarnings()).toBe(2);
  });

  it('refreshes every JWKS_REFRESH_INTERVAL, drops keys no longer published, and stops on shutdown', async () => {
    await create(10_000).onApplicationBootstrap();
    jwks.mockResolvedValue(jwksOf(second));

    await jest.advanceTimersByTimeAsync(10_000);
    expect(jwks).toHaveBeenCalledTimes(2);
    expect(await service.resolveKey('kid-2')).toBeDefined();
    // kid-1 is gone: asking for it refetches once (a scheduled fetch does not start the cooldown), in vain.
    await expect(service.resolveKey('kid-1')).resolves.toBeUndefined();
    expect(jwks).toHaveBeenCalledTimes(3);

    service.onModuleDestroy();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(jwks).toHaveBeenCalledTimes(3);
  });

  it('refetches on an unknown kid and finds a key the auth service has started to publish', async () => {
    await create().onApplicationBootstrap();
    jwks.mockResolvedValue(jwksOf(first, second));

    expect(await service.resolveKey('kid-2')).toBeDefined();
    expect(jwks).toHaveBeenCalledTimes(2);
  });

  it('refetches at most once per JWKS_REFETCH_COOLDOWN, however many unknown kids come', async () => {
    await create().onApplicationBootstrap();
    jest.advanceTimersByTime(5_000);

    await expect(service.resolveKey('made-up-1')).resolves.toBeUndefined();
    expect(jwks).toHaveBeenCalledTimes(2);
    for (const kid of ['made-up-2', 'made-up-3', 'made-up-4']) {
      jest.advanceTimersByTime(1_000);
      await expect(service.resolveKey(kid)).resolves.toBeUndefined();
    }
    expect(jwks).toHaveBeenCalledTimes(2);

    jest.advanceTimersByTime(2_000); // 5 s after the last refetch
    await expect(service.resolveKey('made-up-5')).resolves.toBeUndefined();
    expect(jwks).toHaveBeenCalledTimes(3);
  });

  it('lets concurrent callers share one fetch', async () => {
    await create().onApplicationBootstrap();
    jest.advanceTimersByTime(5_000);
    const pending = deferred<JwksResponse>();
    jwks.mockReturnValueOnce(pending.promise);

    const resolving = Promise.all(['kid-2', 'kid-2', 'made-up', 'kid-1'].map((kid) => service.resolveKey(kid)));
    pending.resolve(jwksOf(first, second));
    const [a, b, c, d] = await resolving;

    expect(jwks).toHaveBeenCalledTimes(2);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).toBeUndefined();
    expect(d).toBeDefined();
  });

  it('keeps the keys it has when a fetch fails, and answers undefined (not unavailable) for unknown kids', async () => {
    await create().onApplicationBootstrap();
    jwks.mockRejectedValue(unavailable());

    await jest.advanceTimersByTimeAsync(60_000);
    await expect(service.resolveKey('made-up')).resolves.toBeUndefined();

    expect(jwks).toHaveBeenCalledTimes(2);
    expect(await service.resolveKey('kid-1')).toBeDefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('keeping the 1 known'));
  });

  it('keeps the keys it has when the auth service publishes no usable key', async () => {
    await create().onApplicationBootstrap();
    jwks.mockResolvedValue({ keys: [] });

    await jest.advanceTimersByTimeAsync(60_000);

    expect(await service.resolveKey('kid-1')).toBeDefined();
  });

  it('throws SigningKeysUnavailableError only when it has no key at all and cannot fetch one', async () => {
    jwks.mockRejectedValue(unavailable());
    await create().onApplicationBootstrap();

    // Within the cooldown of the failed start-up fetch: no call at all.
    await expect(service.resolveKey('kid-1')).rejects.toBeInstanceOf(SigningKeysUnavailableError);
    await expect(service.ensureLoaded()).rejects.toBeInstanceOf(SigningKeysUnavailableError);
    expect(jwks).toHaveBeenCalledTimes(1);
    // After it: one more try, which fails too.
    jest.advanceTimersByTime(5_000);
    await expect(service.resolveKey('kid-1')).rejects.toBeInstanceOf(SigningKeysUnavailableError);
    expect(jwks).toHaveBeenCalledTimes(2);
    // The auth service is back.
    jwks.mockResolvedValue(jwksOf(first));
    jest.advanceTimersByTime(5_000);
    expect(await service.resolveKey('kid-1')).toBeDefined();
  });

  it('ignores keys that are not public Ed25519 signing JWKs with a kid', async () => {
    const rsa = { kty: 'RSA', kid: 'rsa', n: 'AQAB', e: 'AQAB' };
    const bad: Array<Partial<PublicJwkResponse> | Record<string, unknown>> = [
      rsa,
      { ...second.jwk, kid: '' },
      { ...second.jwk, kid: 'x25519', crv: 'X25519' },
      { ...second.jwk, kid: 'hs', alg: 'HS256' },
      { ...second.jwk, kid: 'enc', use: 'enc' },
      { ...second.jwk, kid: 'broken', x: 'not-a-key' },
    ];
    jwks.mockResolvedValue({ keys: [...bad, first.jwk] } as JwksResponse);

    await create().onApplicationBootstrap();

    expect(service.size).toBe(1);
    expect(service.document.keys.map((key) => key.kid)).toEqual(['kid-1']);
  });

  it('keeps the key set in use, public members only', async () => {
    jwks.mockResolvedValue({ keys: [{ ...first.jwk, d: 'private-part', extra: 1 } as PublicJwkResponse] });
    await create().onApplicationBootstrap();

    expect(service.document).toEqual({ keys: [first.jwk] });
    expect(jwks).toHaveBeenCalledTimes(1);
  });

  it('unrefs its timer, so it never keeps the process alive', async () => {
    const unref = jest.fn();
    const setIntervalSpy = jest.spyOn(global, 'setInterval').mockReturnValue({ unref } as unknown as NodeJS.Timeout);

    await create().onApplicationBootstrap();

    expect(setIntervalSpy).toHaveBeenCalledWith(expect.any(Function), 5_000);
    expect(unref).toHaveBeenCalled();
  });
});
