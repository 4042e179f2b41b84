import { Logger } from '@nestjs/common';
import { RevocationFeedFollower } from './revocation-feed-follower';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const FEED = 'http://gateway.test/api/auth/revocations';

describe('RevocationFeedFollower', () => {
  let fetchJson: jest.Mock<Promise<unknown>, [string, number, string]>;
  let follower: RevocationFeedFollower;

  /** Polled every second; tokens live 15 min; 30 s clock tolerance. */
  const create = () =>
    (follower = new RevocationFeedFollower({
      url: FEED,
      token: 'feed-token',
      intervalMs: 1_000,
      tokenLifetimeMs: 900_000,
      clockToleranceMs: 30_000,
      timeoutMs: 5_000,
      fetchJson,
    }));

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    fetchJson = jest.fn();
    create();
  });

  afterEach(() => {
    follower.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('asks for everything first, then only what came after the last cursor, with the bearer token', async () => {
    fetchJson
      .mockResolvedValueOnce({ cursor: 'c1', sessionIds: ['s1'] })
      .mockResolvedValueOnce({ cursor: 'c 2', sessionIds: ['s2'] });

    await follower.poll();
    await follower.poll();

    expect(fetchJson.mock.calls).toEqual([
      [FEED, 5_000, 'feed-token'],
      [`${FEED}?since=c1`, 5_000, 'feed-token'],
    ]);
    expect([follower.isRevoked('s1'), follower.isRevoked('s2'), follower.isRevoked('s3')]).toEqual([true, true, false]);
  });

  it('forgets an entry once every token of that session must have expired (lifetime + tolerance)', async () => {
    fetchJson.mockResolvedValue({ cursor: 'c1', sessionIds: ['s1'] });
    await follower.poll();

    jest.setSystemTime(T0 + 930_000 - 1);
    expect(follower.isRevoked('s1')).toBe(true);
    jest.setSystemTime(T0 + 930_000);
    expect(follower.isRevoked('s1')).toBe(false);
  });

  it('keeps its list while the feed is unreachable or answers nonsense, and reports itself stale after 5 s', async () => {
    fetchJson.mockResolvedValueOnce({ cursor: 'c1', sessionIds: ['s1'] });
    await follower.poll();
    fetchJson.mockRejectedValueOnce(new Error('ECONNREFUSED')).mockResolvedValueOnce({ sessionIds: 'nope' });

    await follower.poll();
    await follower.poll();

    expect(follower.isRevoked('s1')).toBe(true);
    expect(follower.status()).toMatchObject({ stale: false, lastSuccessAt: T0, revokedSessions: 1 });
    jest.setSystemTime(T0 + 5_001);
    expect(follower.status().stale).toBe(true);
    // The cursor stays the last good one.
    fetchJson.mockResolvedValueOnce({ cursor: 'c2', sessionIds: [] });
    await follower.poll();
    expect(fetchJson).toHaveBeenLastCalledWith(`${FEED}?since=c1`, 5_000, 'feed-token');
  });

  it('is stale before its first successful poll', () => {
    expect(follower.status()).toEqual({ lastSuccessAt: undefined, stale: true, revokedSessions: 0 });
  });

  it("polls every interval once started, one poll at a time, on an unref'd timer", async () => {
    let release: (value: unknown) => void = () => undefined;
    fetchJson.mockResolvedValueOnce({ cursor: 'c1', sessionIds: [] });
    await follower.onApplicationBootstrap();
    fetchJson.mockImplementation(() => new Promise((resolve) => (release = resolve)));

    jest.advanceTimersByTime(3_000);

    expect(fetchJson).toHaveBeenCalledTimes(2);
    release({ cursor: 'c2', sessionIds: [] });
  });
});
