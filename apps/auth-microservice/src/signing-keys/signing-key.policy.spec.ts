import type { SigningKey } from './signing-key';
import { expiredKeys, isRotationDue, publishedKeys, signingKeyAt } from './signing-key.policy';

const at = (iso: string) => new Date(`2026-01-01T${iso}Z`);
const key = (generation: number, created: string, activates = created): SigningKey => ({
  kid: `k${generation}`,
  generation,
  publicKey: 'x',
  createdAt: at(created),
  activatesAt: at(activates),
});
const HORIZON_MS = 15 * 60_000 + 30_000;

describe('signing key policy', () => {
  const k1 = key(1, '00:00:00');
  const k2 = key(2, '10:00:00', '10:02:00');

  it('signs with the newest key that has activated; a pending key is published but does not sign', () => {
    expect(signingKeyAt([k1, k2], at('10:01:00'))?.kid).toBe('k1');
    expect(publishedKeys([k1, k2], at('10:01:00'), HORIZON_MS).map((k) => k.kid)).toEqual(['k2', 'k1']);
    expect(signingKeyAt([k2, k1], at('10:02:00'))?.kid).toBe('k2');
  });

  it('keeps a retired key published for the access-token horizon after its successor activated', () => {
    const published = (time: string) => publishedKeys([k1, k2], at(time), HORIZON_MS).map((k) => k.kid);
    expect(published('10:17:29')).toEqual(['k2', 'k1']);
    expect(published('10:17:30')).toEqual(['k2']);
  });

  it('deletes a retired key only a day after it left the JWKS', () => {
    expect(expiredKeys([k1, k2], at('10:17:30'), HORIZON_MS)).toEqual([]);
    expect(expiredKeys([k1, k2], new Date(at('10:17:30').getTime() + 86_400_000), HORIZON_MS)).toEqual([k1]);
  });

  it('is due for rotation with no key, or when the newest is older than the interval', () => {
    expect(isRotationDue([], at('00:00:00'), 1_000)).toBe(true);
    expect(isRotationDue([k1, k2], at('10:59:59'), 3_600_000)).toBe(false);
    expect(isRotationDue([k1, k2], at('11:00:00'), 3_600_000)).toBe(true);
  });

  it('has no signing key while every key is still pending', () => {
    expect(signingKeyAt([k2], at('10:00:00'))).toBeUndefined();
  });
});
