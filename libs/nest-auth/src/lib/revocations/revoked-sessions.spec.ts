import { RevokedSessions } from './revoked-sessions';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (offsetMs: number) => T0 + offsetMs;

describe('RevokedSessions', () => {
  let list: RevokedSessions;
  let reportedSize: number | undefined;

  /** No clock tolerance unless told: entries then live exactly until their time. */
  const create = (toleranceMs = 0) => {
    list = new RevokedSessions(toleranceMs, (size) => {
      reportedSize = size;
    });
    return list;
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    reportedSize = undefined;
    create();
  });

  afterEach(() => jest.useRealTimers());

  it('knows the sessions added, until their time', () => {
    list.revoke([
      { sessionId: 's1', untilMs: at(60_000) },
      { sessionId: 's2', untilMs: at(120_000) },
    ]);

    expect([list.isRevoked('s1'), list.isRevoked('s2'), list.isRevoked('s3')]).toEqual([true, true, false]);
    jest.advanceTimersByTime(60_000);
    expect([list.isRevoked('s1'), list.isRevoked('s2')]).toEqual([false, true]);
    expect(list.size).toBe(1);
  });

  it('keeps an entry for the clock tolerance past its time (the verifier still accepts the last token then)', () => {
    create(30_000);
    list.revoke([{ sessionId: 's1', untilMs: at(60_000) }]);

    jest.advanceTimersByTime(89_999);
    expect(list.isRevoked('s1')).toBe(true);
    jest.advanceTimersByTime(1);
    expect(list.isRevoked('s1')).toBe(false);
  });

  it('merges: a session known twice keeps the later time, and nothing is lost', () => {
    list.revoke([
      { sessionId: 's1', untilMs: at(120_000) },
      { sessionId: 's2', untilMs: at(60_000) },
    ]);
    list.revoke([
      { sessionId: 's1', untilMs: at(60_000) },
      { sessionId: 's2', untilMs: at(180_000) },
      { sessionId: 's3', untilMs: at(60_000) },
    ]);

    jest.advanceTimersByTime(90_000);
    expect([list.isRevoked('s1'), list.isRevoked('s2'), list.isRevoked('s3')]).toEqual([true, true, false]);
  });

  it('answers the sessions that are new or kept longer', () => {
    list.revoke([{ sessionId: 's1', untilMs: at(60_000) }]);

    expect(
      list.revoke([
        { sessionId: 's1', untilMs: at(30_000) },
        { sessionId: 's2', untilMs: at(30_000) },
      ]),
    ).toEqual(['s2']);
    expect(list.revoke([{ sessionId: 's1', untilMs: at(90_000) }])).toEqual(['s1']);
  });

  it('skips entries already over or without a readable time', () => {
    list.revoke([
      { sessionId: 'past', untilMs: at(-1) },
      { sessionId: 'now', untilMs: at(0) },
      { sessionId: 'garbage', untilMs: Number.NaN },
    ]);

    expect(list.size).toBe(0);
  });

  it('prunes the entries whose time has passed, and reports the size', () => {
    list.revoke([
      { sessionId: 's1', untilMs: at(10_000) },
      { sessionId: 's2', untilMs: at(20_000) },
      { sessionId: 's3', untilMs: at(30_000) },
    ]);
    expect(reportedSize).toBe(3);

    jest.advanceTimersByTime(20_000);

    expect(list.prune()).toBe(2);
    expect(list.size).toBe(1);
    expect(reportedSize).toBe(1);
    expect(list.isRevoked('s3')).toBe(true);
  });
});
