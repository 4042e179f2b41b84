import { Registry } from 'prom-client';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { RevocationMetrics } from '../metrics/revocation.metrics';
import { RevocationList } from './revocation-list';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

describe('RevocationList', () => {
  let registry: Registry;
  let list: RevocationList;

  /** TOKEN_CLOCK_TOLERANCE 0 unless told: entries then live exactly until their `until`. */
  const create = (tolerance = '0s') => {
    registry = new Registry();
    list = new RevocationList(
      new GatewayConfig(gatewayEnvSchema.parse({ TOKEN_CLOCK_TOLERANCE: tolerance })),
      new RevocationMetrics(registry),
    );
    return list;
  };
  const gauge = async () => /^revocation_list_sessions (\d+)$/m.exec(await registry.metrics())?.[1];

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    create();
  });

  afterEach(() => jest.useRealTimers());

  it('knows the sessions added, until their time', () => {
    list.add([
      { sessionId: 's1', until: at(60_000) },
      { sessionId: 's2', until: at(120_000) },
    ]);

    expect([list.isRevoked('s1'), list.isRevoked('s2'), list.isRevoked('s3')]).toEqual([true, true, false]);
    jest.advanceTimersByTime(60_000);
    expect([list.isRevoked('s1'), list.isRevoked('s2')]).toEqual([false, true]);
    expect(list.size).toBe(1);
  });

  it('keeps an entry for the clock tolerance past its time (the verifier still accepts the last token then)', () => {
    create('30s');
    list.add([{ sessionId: 's1', until: at(60_000) }]);

    jest.advanceTimersByTime(89_999);
    expect(list.isRevoked('s1')).toBe(true);
    jest.advanceTimersByTime(1);
    expect(list.isRevoked('s1')).toBe(false);
  });

  it('merges: a session known twice keeps the later time, and nothing is lost', () => {
    list.add([
      { sessionId: 's1', until: at(120_000) },
      { sessionId: 's2', until: at(60_000) },
    ]);
    list.add([
      { sessionId: 's1', until: at(60_000) },
      { sessionId: 's2', until: at(180_000) },
      { sessionId: 's3', until: at(60_000) },
    ]);

    jest.advanceTimersByTime(90_000);
    expect([list.isRevoked('s1'), list.isRevoked('s2'), list.isRevoked('s3')]).toEqual([true, true, false]);
  });

  it('skips entries already over or without a readable time', () => {
    list.add([
      { sessionId: 'past', until: at(-1) },
      { sessionId: 'now', until: at(0) },
      { sessionId: 'garbage', until: 'tomorrow' },
    ]);

    expect(list.size).toBe(0);
  });

  it('prunes the entries whose time has passed, and reports the size as a gauge', async () => {
    list.add([
      { sessionId: 's1', until: at(10_000) },
      { sessionId: 's2', until: at(20_000) },
      { sessionId: 's3', until: at(30_000) },
    ]);
    expect(await gauge()).toBe('3');

    jest.advanceTimersByTime(20_000);

    expect(list.prune()).toBe(2);
    expect(list.size).toBe(1);
    expect(await gauge()).toBe('1');
    expect(list.isRevoked('s3')).toBe(true);
  });
});
