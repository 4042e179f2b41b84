import type { Measurement } from './load';
import { measurement } from './measurement.spec-helpers';
import type { Baseline } from './options';
import {
  bestBaselines,
  evaluateTargets,
  type GrowthStep,
  type Row,
  verdict,
  withGrowthRatios,
  withRatios,
} from './results';

const row = (id: string, baseline: Baseline | undefined, m: Measurement): Row => ({
  id,
  title: id,
  baseline,
  measurement: m,
});

const step = (users: number, loginP50: number, rssMb?: number): GrowthStep => ({
  users,
  seedS: 1,
  login: measurement(100, { p50: loginP50 }),
  sessions: measurement(2_000, { p50: 20 }),
  authRssMb: rssMb,
});

describe('bestBaselines', () => {
  it('keeps the higher of the two measurements of each baseline, and says so', () => {
    const { rows, notes } = bestBaselines(
      [row('baseline-http', 'A', measurement(80_000)), row('baseline-hash', 'B', measurement(120))],
      [row('baseline-http', 'A', measurement(90_000)), row('baseline-hash', 'B', measurement(110))],
    );
    expect(rows.map((r) => r.measurement.rps)).toEqual([90_000, 120]);
    expect(notes).toEqual([
      'baseline-http was measured before (80,000/s) and after (90,000/s) the other scenarios; the higher figure is used (after), 80,000/s is left out.',
      'baseline-hash was measured before (120/s) and after (110/s) the other scenarios; the higher figure is used (before), 110/s is left out.',
    ]);
  });

  it('keeps a single measurement as it is', () => {
    const first = row('baseline-http', 'A', measurement(80_000));
    expect(bestBaselines([first], [])).toEqual({ rows: [first], notes: [] });
  });
});

describe('withRatios', () => {
  it('divides each row by its baseline of the same run; rows without one get none', () => {
    const rows = withRatios([
      row('baseline-http', 'A', measurement(50_000)),
      row('baseline-hash', 'B', measurement(100)),
      row('me', 'A', measurement(30_000)),
      row('login', 'B', measurement(90)),
      row('live-under-login', undefined, measurement(1_000)),
    ]);
    expect(rows.map((r) => r.ratio)).toEqual([1, 1, 0.6, 0.9, undefined]);
  });

  it('compares /me with each of its baselines, the main one (C) first', () => {
    const [, , , me] = withRatios([
      row('baseline-http', 'A', measurement(60_000)),
      row('baseline-nest', 'C', measurement(40_000)),
      row('baseline-peer', 'P', measurement(5_000)),
      row('me', 'C', measurement(30_000)),
    ]);
    expect(me?.ratio).toBe(0.75);
    expect(me?.ratios).toEqual({ C: 0.75, P: 6, A: 0.5 });
  });

  it('leaves the ratio out when the baseline did not run', () => {
    expect(withRatios([row('me', 'A', measurement(30_000))])[0]?.ratio).toBeUndefined();
  });
});

describe('withGrowthRatios', () => {
  it('compares each step’s p50 with the first step’s', () => {
    const steps = withGrowthRatios([step(1_000, 200), step(100_000, 210), step(1_000_000, 240)]);
    expect(steps.map((s) => s.loginP50Ratio)).toEqual([1, 1.05, 1.2]);
    expect(steps.map((s) => s.sessionsP50Ratio)).toEqual([1, 1, 1]);
  });
});

describe('evaluateTargets', () => {
  const rows = withRatios([
    row('baseline-http', 'A', measurement(50_000)),
    row('baseline-nest', 'C', measurement(40_000)),
    row('baseline-hash', 'B', measurement(100)),
    row('baseline-peer', 'P', measurement(6_000)),
    row('me', 'C', measurement(31_000, { p99: 12 })),
    row('sessions', 'C', measurement(12_000)),
    row('refresh', 'C', measurement(6_400)),
    row('login', 'B', measurement(86)),
    row('signup', 'B', measurement(84)),
    row('live-under-login', undefined, measurement(1_000, { p99: 20 })),
    row('admin-search', undefined, measurement(900, { p50: 3 })),
  ]);
  const byId = (targets: ReturnType<typeof evaluateTargets>) =>
    Object.fromEntries(targets.map((target) => [target.id, [target.measured, target.met]]));

  it('judges every target of the issue from the rows and the growth steps', () => {
    const targets = evaluateTargets(rows, withGrowthRatios([step(1_000, 200, 180), step(1_000_000, 229, 251)]));
    expect(byId(targets)).toEqual({
      'me-ratio': ['78%', true],
      'me-vs-peer': ['5.17 ×', true],
      'me-p99': ['12 ms', false],
      'sessions-ratio': ['30%', false],
      'refresh-ratio': ['16%', true],
      'login-ratio': ['86%', true],
      'signup-ratio': ['84%', false],
      'live-under-login-p99': ['20 ms', true],
      'admin-search-p50': ['3.0 ms', true],
      'growth-login-p50': ['1.15 ×', true],
      'growth-rss': ['251 MB', false],
    });
    expect(targets.find((t) => t.id === 'growth-rss')?.description).toBe(
      'auth service RSS at 1,000,000 users ≤ 250 MB',
    );
  });

  it('a route that answered errors does not meet its throughput target', () => {
    const withErrors = withRatios([
      row('baseline-nest', 'C', measurement(50_000)),
      row('me', 'C', measurement(40_000, {}, 3)),
    ]);
    expect(evaluateTargets(withErrors, []).find((t) => t.id === 'me-ratio')?.met).toBe(false);
  });

  it('marks targets whose scenario did not run as not measured', () => {
    const targets = evaluateTargets([], [step(1_000, 200)]);
    expect(targets.every((target) => target.met === undefined && target.measured === '—')).toBe(true);
  });
});

describe('verdict', () => {
  const target = { id: 'x', description: 'x', measured: '1', met: false };
  it('says whether a target is met, and that a quick run asserts nothing', () => {
    expect(verdict(target, false)).toBe('NOT met');
    expect(verdict({ ...target, met: true }, false)).toBe('met');
    expect(verdict({ ...target, met: undefined }, true)).toBe('not measured');
    expect(verdict(target, true)).toBe('NOT met (quick run: not asserted)');
  });
});
