import { Logger } from '@nestjs/common';
import { ERROR_MESSAGES, type RevocationsQueryDto, type RevocationsResponse } from '@nestjs-microservices/shared';
import { Registry } from 'prom-client';
import type { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { RevocationMetrics } from '../metrics/revocation.metrics';
import { RevocationList } from './revocation-list';
import { REVOCATION_SYNC_OVERLAP_MS, RevocationSyncService } from './revocation-sync.service';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const unavailable = () => new ApiError('AUTH_UNAVAILABLE', ERROR_MESSAGES.AUTH_UNAVAILABLE);

describe('RevocationSyncService', () => {
  let revocations: jest.Mock<Promise<RevocationsResponse>, [RevocationsQueryDto]>;
  let onSessionsRevoked: jest.Mock<Promise<boolean>, [(event: unknown) => void]>;
  let registry: Registry;
  let list: RevocationList;
  let sync: RevocationSyncService;

  /** The auth service's answer: its clock reads the gateway's, plus `skewMs`. */
  const answer = (revoked: RevocationsResponse['revoked'] = [], skewMs = 0): RevocationsResponse => ({
    serverTime: iso(Date.now() + skewMs),
    revoked,
  });
  const sinceOf = (call: number) => revocations.mock.calls[call]?.[0].since;
  const metric = async (name: string) =>
    new RegExp(`^${name} (\\S+)$`, 'm').exec(await registry.metrics())?.[1] ?? 'absent';

  /** REVOCATION_SYNC_INTERVAL 1 s (the default), TOKEN_CLOCK_TOLERANCE 0 for exact times. */
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    revocations = jest.fn<Promise<RevocationsResponse>, [RevocationsQueryDto]>(() => Promise.resolve(answer()));
    registry = new Registry();
    const config = new GatewayConfig(gatewayEnvSchema.parse({ TOKEN_CLOCK_TOLERANCE: '0s' }));
    const metrics = new RevocationMetrics(registry);
    list = new RevocationList(config, metrics);
    onSessionsRevoked = jest.fn<Promise<boolean>, [(event: unknown) => void]>(() => Promise.resolve(false));
    sync = new RevocationSyncService(
      { revocations, onSessionsRevoked } as unknown as AuthClient,
      list,
      metrics,
      config,
    );
  });

  afterEach(() => {
    sync.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('asks for the full list at bootstrap, then polls every REVOCATION_SYNC_INTERVAL', async () => {
    revocations.mockResolvedValueOnce(answer([{ sessionId: 's1', until: iso(T0 + 60_000) }]));

    await sync.onApplicationBootstrap();

    expect(revocations).toHaveBeenCalledTimes(1);
    expect(revocations.mock.calls[0]?.[0]).toEqual({});
    expect(list.isRevoked('s1')).toBe(true);
    expect(sync.lastSuccessAt).toBe(T0);

    await jest.advanceTimersByTimeAsync(3_000);
    expect(revocations).toHaveBeenCalledTimes(4);
    expect(sync.lastSuccessAt).toBe(T0 + 3_000);
  });

  it(`asks since the previous answer's serverTime minus ${REVOCATION_SYNC_OVERLAP_MS} ms (the auth service's clock)`, async () => {
    // The auth service's clock runs 2 s ahead of the gateway's: its time is what counts.
    revocations.mockImplementation(() => Promise.resolve(answer([], 2_000)));
    await sync.onApplicationBootstrap();

    await jest.advanceTimersByTimeAsync(1_000);
    await jest.advanceTimersByTimeAsync(1_000);

    expect(sinceOf(0)).toBeUndefined();
    expect(sinceOf(1)).toBe(iso(T0 + 2_000 - REVOCATION_SYNC_OVERLAP_MS));
    expect(sinceOf(2)).toBe(iso(T0 + 1_000 + 2_000 - REVOCATION_SYNC_OVERLAP_MS));
  });

  it('merges each answer into the list and prunes what has passed', async () => {
    revocations
      .mockResolvedValueOnce(
        answer([
          { sessionId: 's1', until: iso(T0 + 1_500) },
          { sessionId: 's2', until: iso(T0 + 60_000) },
        ]),
      )
      .mockResolvedValueOnce(answer([{ sessionId: 's3', until: iso(T0 + 60_000) }]))
      // The overlap brings s3 again: still one entry.
      .mockResolvedValueOnce(answer([{ sessionId: 's3', until: iso(T0 + 60_000) }]));
    await sync.onApplicationBootstrap();
    expect(list.size).toBe(2);

    await jest.advanceTimersByTimeAsync(1_000);
    expect(list.size).toBe(3);
    await jest.advanceTimersByTimeAsync(1_000);

    expect(list.size).toBe(2);
    expect([list.isRevoked('s1'), list.isRevoked('s2'), list.isRevoked('s3')]).toEqual([false, true, true]);
    expect(await metric('revocation_list_sessions')).toBe('2');
  });

  it('keeps the list while the auth service cannot be reached, counts the failures, and warns once', async () => {
    revocations.mockResolvedValueOnce(answer([{ sessionId: 's1', until: iso(T0 + 60_000) }]));
    await sync.onApplicationBootstrap();
    revocations.mockRejectedValue(unavailable());

    await jest.advanceTimersByTimeAsync(5_000);

    expect(list.isRevoked('s1')).toBe(true);
    expect(sync.lastSuccessAt).toBe(T0);
    expect(await metric('revocation_sync_failures_total')).toBe('5');
    expect(await metric('revocation_sync_last_success_timestamp_seconds')).toBe(String(T0 / 1_000));
    expect(Logger.prototype.warn).toHaveBeenCalledTimes(1);

    // Back: it asks from where the last good answer left off.
    revocations.mockResolvedValue(answer([{ sessionId: 's2', until: iso(T0 + 60_000) }]));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sinceOf(6)).toBe(iso(T0 - REVOCATION_SYNC_OVERLAP_MS));
    expect([list.isRevoked('s1'), list.isRevoked('s2')]).toEqual([true, true]);
    expect(sync.lastSuccessAt).toBe(T0 + 6_000);
  });

  it('starts without a list when the auth service is down at bootstrap (never throws), and fills it later', async () => {
    revocations.mockRejectedValueOnce(unavailable());

    await expect(sync.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(sync.lastSuccessAt).toBeUndefined();

    revocations.mockResolvedValue(answer([{ sessionId: 's1', until: iso(T0 + 60_000) }]));
    await jest.advanceTimersByTimeAsync(1_000);
    expect(revocations.mock.calls[1]?.[0]).toEqual({});
    expect(list.isRevoked('s1')).toBe(true);
  });

  it('counts an answer without a readable serverTime as a failure', async () => {
    revocations.mockResolvedValue({ serverTime: 'later', revoked: [{ sessionId: 's1', until: iso(T0 + 60_000) }] });

    await sync.onApplicationBootstrap();

    expect(sync.lastSuccessAt).toBeUndefined();
    expect(list.size).toBe(0);
    expect(await metric('revocation_sync_failures_total')).toBe('1');
  });

  it('never has two polls in flight: a slow one is joined, not overtaken', async () => {
    await sync.onApplicationBootstrap();
    let release: (value: RevocationsResponse) => void = () => undefined;
    revocations.mockImplementationOnce(
      () =>
        new Promise((resolve) => {
          release = resolve;
        }),
    );

    await jest.advanceTimersByTimeAsync(5_000); // five ticks while the second poll hangs
    const joined = sync.sync();
    expect(revocations).toHaveBeenCalledTimes(2);

    release(answer());
    await joined;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(revocations).toHaveBeenCalledTimes(3);
  });

  it('stops polling on shutdown', async () => {
    await sync.onApplicationBootstrap();
    sync.onModuleDestroy();

    await jest.advanceTimersByTimeAsync(10_000);

    expect(revocations).toHaveBeenCalledTimes(1);
  });

  it('unrefs its timer, so it never keeps the process alive', async () => {
    const unref = jest.fn();
    const setIntervalSpy = jest.spyOn(global, 'setInterval').mockReturnValue({ unref } as unknown as NodeJS.Timeout);

    await sync.onApplicationBootstrap();

    expect(setIntervalSpy).toHaveBeenCalledWith(expect.any(Function), 1_000);
    expect(unref).toHaveBeenCalled();
  });

  describe('revocation events (TRANSPORT=nats)', () => {
    it('does not subscribe again where the transport cannot broadcast (TCP)', async () => {
      await sync.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(3_000);

      expect(onSessionsRevoked).toHaveBeenCalledTimes(1);
      expect(revocations).toHaveBeenCalledTimes(4);
    });

    it('subscribes once, and applies an event at once, without waiting for the next poll', async () => {
      let listener: ((event: unknown) => void) | undefined;
      onSessionsRevoked.mockImplementation((registered) => {
        listener = registered;
        return Promise.resolve(true);
      });
      await sync.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(2_000);
      expect(onSessionsRevoked).toHaveBeenCalledTimes(1);
      const polls = revocations.mock.calls.length;

      listener?.({ revoked: [{ sessionId: 'pushed', until: iso(Date.now() + 60_000) }] });

      expect(list.isRevoked('pushed')).toBe(true);
      expect(revocations).toHaveBeenCalledTimes(polls);
      expect(await metric('revocation_events_received_total')).toBe('1');
    });

    it('ignores an event that is not a list of revoked sessions', async () => {
      let listener: ((event: unknown) => void) | undefined;
      onSessionsRevoked.mockImplementation((registered) => {
        listener = registered;
        return Promise.resolve(true);
      });
      await sync.onApplicationBootstrap();

      for (const garbage of [undefined, null, 'x', { revoked: 'x' }, { revoked: [null] }, { revoked: [1] }]) {
        expect(() => listener?.(garbage)).not.toThrow();
      }
      expect(list.size).toBe(0);
      expect(await metric('revocation_events_received_total')).toBe('0');
    });

    it('tries to subscribe again at the next poll when the broker was unreachable', async () => {
      onSessionsRevoked.mockRejectedValueOnce(new Error('NATS: connection refused')).mockResolvedValue(true);

      await sync.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(3_000);

      expect(onSessionsRevoked).toHaveBeenCalledTimes(2);
    });
  });
});
