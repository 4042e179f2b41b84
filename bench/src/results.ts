import type { Measurement } from './load';
import { type Baseline, BASELINE_SCENARIO, BASELINES_OF, type BenchOptions, type ScenarioName } from './options';

/** One line of the table: a scenario (or one side of a two-sided one) and what it measured. */
export interface Row {
  /** Scenario name (`me`, `login`, …; `live-under-login` has two rows, `live-under-login:flood` the second). */
  id: string;
  /** What was asked, e.g. `GET /api/auth/me`. */
  title: string;
  /** Its main baseline (see `Baseline`); none for a probe. */
  baseline?: Baseline;
  measurement: Measurement;
  /** requests/s ÷ the main baseline's, once both are known. */
  ratio?: number;
  /** requests/s ÷ each baseline's it is compared with (`BASELINES_OF`), the main one included. */
  ratios?: Partial<Record<Baseline, number>>;
  /** CPU used while measured, in cores (CPU seconds per second), by process: gateway, auth, bench (the load). */
  cpu?: Record<string, number>;
}

/** One step of the growth scenario: the database holds `users` users. */
export interface GrowthStep {
  users: number;
  /** Seconds `users:seed` took to add this step's users. */
  seedS: number;
  login: Measurement;
  sessions: Measurement;
  /** Highest VmRSS of the auth service while this step was measured, MB; and while each route was. */
  authRssMb?: number;
  sessionsRssMb?: number;
  loginRssMb?: number;
  /** p50 ÷ the first step's p50. */
  loginP50Ratio?: number;
  sessionsP50Ratio?: number;
}

export interface Target {
  id: string;
  description: string;
  /** The figure measured, as shown. */
  measured: string;
  /** undefined: not measured in this run (its scenario did not run). */
  met: boolean | undefined;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and when it ended. */
  loadStart: number;
  loadEnd?: number;
}

export interface BenchReport {
  startedAt: string;
  finishedAt?: string;
  machine: Machine;
  options: BenchOptions;
  database: string;
  rows: Row[];
  growth: GrowthStep[];
  targets: Target[];
  notes: string[];
}

/**
 * The baselines are measured before and again after the system's scenarios; each keeps its higher figure. Load from
 * outside the bench (another process on these cores) can only lower a baseline, so the higher one is the better
 * estimate of what the machine can do, and it makes every ratio stricter, never looser. Notes say what was measured.
 */
export function bestBaselines(before: readonly Row[], after: readonly Row[]): { rows: Row[]; notes: string[] } {
  const notes: string[] = [];
  const rows = before.map((first) => {
    const second = after.find((row) => row.id === first.id);
    if (!second) return first;
    const [best, other] = second.measurement.rps > first.measurement.rps ? [second, first] : [first, second];
    const figure = (row: Row) => Math.round(row.measurement.rps).toLocaleString('en-US');
    notes.push(
      `${first.title} was measured before (${figure(first)}/s) and after (${figure(second)}/s) the other ` +
        `scenarios; the higher figure is used${best === second ? ' (after)' : ' (before)'}, ${figure(other)}/s is left out.`,
    );
    return best;
  });
  return { rows, notes };
}

/** Fills in each row's ratios to the baselines of the same run it is compared with (`BASELINES_OF`). */
export function withRatios(rows: readonly Row[]): Row[] {
  const rps = (baseline: Baseline) => rows.find((row) => row.id === BASELINE_SCENARIO[baseline])?.measurement.rps;
  return rows.map((row) => {
    const scenario = row.id.split(':')[0] as ScenarioName;
    const compared = row.id.includes(':') ? (row.baseline ? [row.baseline] : []) : (BASELINES_OF[scenario] ?? []);
    const ratios: Partial<Record<Baseline, number>> = {};
    for (const baseline of compared) {
      const reference = rps(baseline);
      if (reference) ratios[baseline] = row.measurement.rps / reference;
    }
    const ratio = row.baseline && ratios[row.baseline];
    return Object.keys(ratios).length === 0 ? { ...row } : { ...row, ratios, ...(ratio !== undefined && { ratio }) };
  });
}

/** Fills in each growth step's p50 ratios to the first step. */
export function withGrowthRatios(steps: readonly GrowthStep[]): GrowthStep[] {
  const [first] = steps;
  const ratio = (value: number, reference: number | undefined) => (reference ? value / reference : undefined);
  return steps.map((step) => ({
    ...step,
    loginP50Ratio: ratio(step.login.latency.p50, first?.login.latency.p50),
    sessionsP50Ratio: ratio(step.sessions.latency.p50, first?.sessions.latency.p50),
  }));
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

/** Each target of the issue, met or not, from the rows (with ratios) and the growth steps. */
export function evaluateTargets(rows: readonly Row[], growth: readonly GrowthStep[]): Target[] {
  const row = (id: string) => rows.find((candidate) => candidate.id === id);
  const ratioTarget = (id: string, what: string, min: number, baseline: Baseline, name: string): Target => {
    const found = row(id);
    const ratio = found?.ratios?.[baseline];
    const multiple = min > 1;
    return {
      id: baseline === 'P' ? `${id}-vs-peer` : `${id}-ratio`,
      description: `${what} ≥ ${multiple ? `${min} × ${name}` : `${pct(min)} of ${name}`}`,
      measured: ratio === undefined ? '—' : multiple ? `${ratio.toFixed(2)} ×` : pct(ratio),
      met: ratio === undefined || !found ? undefined : ratio >= min && found.measurement.errors.total === 0,
    };
  };
  const p99Target = (id: string, what: string, maxMs: number): Target => {
    const found = row(id);
    return {
      id: `${id}-p99`,
      description: `${what} p99 ≤ ${maxMs} ms`,
      measured: found ? ms(found.measurement.latency.p99) : '—',
      met: found ? found.measurement.latency.p99 <= maxMs : undefined,
    };
  };
  const p50Target = (id: string, what: string, maxMs: number): Target => {
    const found = row(id);
    return {
      id: `${id}-p50`,
      description: `${what} p50 ≤ ${maxMs} ms`,
      measured: found ? ms(found.measurement.latency.p50) : '—',
      met: found ? found.measurement.latency.p50 <= maxMs && found.measurement.errors.total === 0 : undefined,
    };
  };
  const last = growth.length > 1 ? growth[growth.length - 1] : undefined;
  const first = growth[0];
  return [
    ratioTarget('me', '`GET /api/auth/me` req/s', 0.7, 'C', 'baseline C (empty NestJS app)'),
    ratioTarget('me', '`GET /api/auth/me` req/s', 2, 'P', 'baseline P (NestJS + jose guard, no cache)'),
    p99Target('me', '`GET /api/auth/me`', 10),
    ratioTarget('sessions', '`GET /api/auth/sessions` (one round trip) req/s', 0.35, 'C', 'baseline C'),
    ratioTarget('refresh', '`POST /api/auth/refresh` req/s', 0.15, 'C', 'baseline C'),
    ratioTarget('login', '`POST /api/auth/login` req/s', 0.85, 'B', 'baseline B (hashes/s)'),
    ratioTarget('signup', '`POST /api/auth/signup` req/s', 0.85, 'B', 'baseline B (hashes/s)'),
    p99Target('live-under-login', '`GET /api/health/live` under a login flood', 20),
    p50Target('admin-search', '`GET /api/admin/users?query=` (user search)', 10),
    {
      id: 'growth-login-p50',
      description: `login p50 at ${last ? last.users.toLocaleString('en-US') : 'the largest step'} users ≤ 1.15 × at ${
        first ? first.users.toLocaleString('en-US') : 'the first'
      }`,
      measured: last?.loginP50Ratio === undefined ? '—' : `${last.loginP50Ratio.toFixed(2)} ×`,
      met: last?.loginP50Ratio === undefined ? undefined : last.loginP50Ratio <= 1.15,
    },
    {
      id: 'growth-rss',
      description: `auth service RSS at ${last ? last.users.toLocaleString('en-US') : 'the largest step'} users ≤ 250 MB`,
      measured: last?.authRssMb === undefined ? '—' : `${last.authRssMb.toFixed(0)} MB`,
      met: last?.authRssMb === undefined ? undefined : last.authRssMb <= 250,
    },
  ];
}

/** `met`, `not met` or `not measured`; in --quick mode never asserted, and said so. */
export function verdict(target: Target, quick: boolean): string {
  const base = target.met === undefined ? 'not measured' : target.met ? 'met' : 'NOT met';
  return quick && target.met !== undefined ? `${base} (quick run: not asserted)` : base;
}
