import { Registry } from 'prom-client';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { RevocationMetrics } from '../metrics/revocation.metrics';
import { RevocationList } from './revocation-list';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

/** The list's own rules are the package's (RevokedSessions); here: ISO times, the metric and the feed's cursors. */
describe('RevocationList (gateway)', () => {
  let registry: Registry;
  let list: RevocationList;

  const create = () => {
    registry = new Registry();
    list = new RevocationList(
      new GatewayConfig(gatewayEnvSchema.parse({ TOKEN_CLOCK_TOLERANCE: '0s' })),
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

  it("takes the auth service's ISO times and reports its size as a gauge", async () => {
    list.add([
      { sessionId: 's1', until: at(60_000) },
      { sessionId: 's2', until: 'tomorrow' },
    ]);

    expect([list.isRevoked('s1'), list.isRevoked('s2')]).toEqual([true, false]);
    expect(await gauge()).toBe('1');
  });

  describe('changesSince (GET /api/auth/revocations)', () => {
    it('gives every revoked session without a cursor, then only the sessions added or kept longer after it', () => {
      list.add([{ sessionId: 's1', until: at(60_000) }]);
      const first = list.changesSince(undefined);
      expect(first.sessionIds).toEqual(['s1']);

      list.add([
        { sessionId: 's1', until: at(30_000) },
        { sessionId: 's2', until: at(60_000) },
      ]);
      const second = list.changesSince(first.cursor);
      expect(second.sessionIds).toEqual(['s2']);
      expect(list.changesSince(second.cursor)).toEqual({ cursor: second.cursor, sessionIds: [] });
    });

    it("gives everything again for a cursor it never gave (another gateway's, a previous run's, garbage)", () => {
      list.add([{ sessionId: 's1', until: at(60_000) }]);
      const { cursor } = list.changesSince(undefined);
      const other = create();
      other.add([{ sessionId: 's9', until: at(60_000) }]);

      for (const foreign of [cursor, 'garbage', '0123456789abcdef.999', '']) {
        expect(other.changesSince(foreign).sessionIds).toEqual(['s9']);
      }
    });

    it('leaves out sessions whose tokens have all expired', () => {
      list.add([
        { sessionId: 's1', until: at(10_000) },
        { sessionId: 's2', until: at(60_000) },
      ]);
      jest.advanceTimersByTime(10_000);

      expect(list.changesSince(undefined).sessionIds).toEqual(['s2']);
    });
  });
});
