import { hashRefreshToken, newChainSecret, newRefreshToken, RefreshChains } from './refresh-token';

describe('refresh tokens and chains', () => {
  const secret = newChainSecret();
  const token = newRefreshToken().token;

  it('a successor is a function of the chain key and the token: the same twice, another for another key or token', () => {
    const chains = new RefreshChains(undefined);
    const [next] = chains.successors(secret, token);
    expect(chains.successors(secret, token)).toEqual([next]);
    expect(next?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(next?.hash).toBe(hashRefreshToken(next?.token ?? ''));
    expect(chains.successors(newChainSecret(), token)[0]?.token).not.toBe(next?.token);
    expect(chains.successors(secret, newRefreshToken().token)[0]?.token).not.toBe(next?.token);
  });

  it('walks the chain: the n-th successor is the successor of the (n-1)-th', () => {
    const chains = new RefreshChains(undefined);
    const [a, b, c] = chains.successors(secret, token, 3);
    expect(chains.successors(secret, a?.token ?? '', 2)).toEqual([b, c]);
    expect(new Set([token, a?.token, b?.token, c?.token]).size).toBe(4);
  });

  it('with SIGNING_KEY_ENCRYPTION_SECRET the stored key alone does not give the successor', () => {
    const plain = new RefreshChains(undefined).successors(secret, token)[0];
    const peppered = new RefreshChains('an encryption secret of 32+ chars!!').successors(secret, token)[0];
    const otherPepper = new RefreshChains('another encryption secret, 32+ chars').successors(secret, token)[0];
    expect(peppered?.token).not.toBe(plain?.token);
    expect(peppered?.token).not.toBe(otherPepper?.token);
    expect(new RefreshChains('an encryption secret of 32+ chars!!').successors(secret, token)[0]).toEqual(peppered);
  });
});
