/** Every scenario, in the order they run. */
export const SCENARIOS = [
  'baseline-http',
  'baseline-nest',
  'baseline-hash',
  'baseline-peer',
  'me',
  'sessions',
  'refresh',
  'login',
  'signup',
  'live-under-login',
  'growth',
  'admin-search',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/**
 * The baselines, each measured in the same run: A = bare Fastify (req/s); B = argon2id alone (hashes/s); C = an empty
 * NestJS + Fastify app, the framework's own ceiling; P = the peer, a NestJS app whose guard verifies every token with
 * `jose` against our JWKS (what a team would write without us).
 */
export type Baseline = 'A' | 'B' | 'C' | 'P';

export const BASELINE_SCENARIO: Record<Baseline, ScenarioName> = {
  A: 'baseline-http',
  B: 'baseline-hash',
  C: 'baseline-nest',
  P: 'baseline-peer',
};

/** The baselines a scenario is compared with; the first is its main one (the chart's bar, the table's first ratio). */
export const BASELINES_OF: Record<ScenarioName, readonly Baseline[]> = {
  'baseline-http': ['A'],
  'baseline-nest': ['C'],
  'baseline-hash': ['B'],
  'baseline-peer': ['P'],
  me: ['C', 'P', 'A'],
  sessions: ['C', 'A'],
  refresh: ['C', 'A'],
  login: ['B'],
  signup: ['B'],
  'live-under-login': ['B'], // the flood; the probe has a latency target only
  growth: [], // compared with its own first step
  'admin-search': [], // a latency target only
};

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface BenchOptions {
  /** Seconds measured per scenario (after the warm-up). */
  durationS: number;
  warmupS: number;
  connections: number;
  /** The scenarios asked for, plus the baselines they are compared with, in run order. */
  scenarios: ScenarioName[];
  quick: boolean;
  db: 'sqlite' | 'postgres';
  transport: 'tcp' | 'nats';
  /** Distinct users (and tokens) the token routes and logins rotate through. */
  users: number;
  /** Users in the database at each growth step; the first is the reference. */
  growthCounts: number[];
  /** Users in the database of the admin-search scenario. */
  adminSearchUsers: number;
  logLevel: LogLevel;
  /** Where JSON, Markdown and SVG go. */
  outDir: string;
  /** Run both apps under `node --cpu-prof` and keep the profiles in the results. */
  profile: boolean;
  build: 'auto' | 'always' | 'never';
  /** Where the built apps are (`<dist>/apps/<app>/main.js`), e.g. a copy of one build to alternate with another. */
  dist: string;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --duration <s>        seconds measured per scenario (default 20; --quick: 3)
  --warmup <s>          seconds of warm-up before each, not measured (default 5; --quick: 1)
  --connections <n>     concurrent connections (default 50)
  --scenarios <a,b,…>   some of: ${SCENARIOS.join(', ')}
                        (default: all; the baselines a scenario is compared with always run)
  --quick               a few seconds per scenario and small growth steps, for a CI smoke run; no target asserted
  --db <sqlite|postgres> SQLite in a temp dir (default), or a database bench_<pid> created on TEST_DATABASE_URL
                        (default postgres://postgres@127.0.0.1:5432/test) and dropped at the end
  --transport <tcp|nats> gateway ↔ auth service link (nats: NATS_URL=nats://127.0.0.1:4222 on both apps)
  --users <n>           distinct users and tokens per scenario (default 200)
  --growth <n,n,…>      users in the database at each growth step (default 1000,100000,1000000; --quick: 1000,10000)
  --admin-users <n>     users in the database of admin-search (default 1000000; --quick: 10000)
  --log-level <level>   LOG_LEVEL of both apps (default log, as in production)
  --out <dir>           where results go (default bench/results)
  --profile             run the apps under node --cpu-prof; profiles go to the results directory
  --build / --no-build  always / never run \`npm run build\` first (default: when dist is missing or older than src)
  --dist <dir>          run the apps built in <dir> (default dist), e.g. a copy kept to alternate builds; implies --no-build
  --help`;

const DEFAULTS = { durationS: 20, warmupS: 5, quickDurationS: 3, quickWarmupS: 1 };
const FULL_GROWTH = [1_000, 100_000, 1_000_000];
const QUICK_GROWTH = [1_000, 10_000];
const FULL_ADMIN_USERS = 1_000_000;
const QUICK_ADMIN_USERS = 10_000;

function positiveNumber(flag: string, value: string, { integer = true, min = 1 } = {}): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || (integer && !Number.isInteger(n)) || n < min) {
    throw new Error(`${flag} must be ${integer ? 'a whole number' : 'a number'} ≥ ${min}, not "${value}"`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  return value as T;
}

/** The scenarios asked for, each once, in run order, with the baselines they need. */
export function withBaselines(asked: readonly ScenarioName[]): ScenarioName[] {
  const wanted = new Set<ScenarioName>(asked);
  for (const name of asked) {
    for (const baseline of BASELINES_OF[name]) wanted.add(BASELINE_SCENARIO[baseline]);
  }
  return SCENARIOS.filter((name) => wanted.has(name));
}

/** Parses the command line (the arguments after `npm run bench --`); throws on anything it does not know. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const given = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.split(/=(.*)/s, 2);
    if (['--quick', '--profile', '--build', '--no-build', '--help', '-h'].includes(flag)) {
      if (inline !== undefined) throw new Error(`${flag} takes no value`);
      given.set(flag === '-h' ? '--help' : flag, true);
      continue;
    }
    if (!flag.startsWith('--')) throw new Error(`Unexpected argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    given.set(flag, value);
  }
  const text = (flag: string): string | undefined => {
    const value = given.get(flag);
    given.delete(flag);
    return typeof value === 'string' ? value : undefined;
  };
  const flag = (name: string): boolean => given.delete(name);

  const quick = flag('--quick');
  const duration = text('--duration');
  const warmup = text('--warmup');
  const connections = text('--connections');
  const scenarios = text('--scenarios');
  const users = text('--users');
  const growth = text('--growth');
  const adminUsers = text('--admin-users');
  const dist = text('--dist');
  const build = flag('--build') ? 'always' : flag('--no-build') || dist !== undefined ? 'never' : 'auto';
  const options: BenchOptions = {
    quick,
    durationS: duration
      ? positiveNumber('--duration', duration, { integer: false })
      : quick
        ? DEFAULTS.quickDurationS
        : DEFAULTS.durationS,
    warmupS: warmup
      ? positiveNumber('--warmup', warmup, { integer: false, min: 0 })
      : quick
        ? DEFAULTS.quickWarmupS
        : DEFAULTS.warmupS,
    connections: connections ? positiveNumber('--connections', connections) : 50,
    scenarios: withBaselines(
      scenarios ? scenarios.split(',').map((name) => oneOf('--scenarios', name.trim(), SCENARIOS)) : [...SCENARIOS],
    ),
    db: oneOf('--db', text('--db') ?? 'sqlite', ['sqlite', 'postgres'] as const),
    transport: oneOf('--transport', text('--transport') ?? 'tcp', ['tcp', 'nats'] as const),
    users: users ? positiveNumber('--users', users) : 200,
    growthCounts: growth
      ? growth.split(',').map((count) => positiveNumber('--growth', count.trim()))
      : quick
        ? QUICK_GROWTH
        : FULL_GROWTH,
    adminSearchUsers: adminUsers
      ? positiveNumber('--admin-users', adminUsers)
      : quick
        ? QUICK_ADMIN_USERS
        : FULL_ADMIN_USERS,
    logLevel: oneOf('--log-level', text('--log-level') ?? 'log', LOG_LEVELS),
    outDir: text('--out') ?? 'bench/results',
    profile: flag('--profile'),
    build,
    dist: dist ?? 'dist',
    help: flag('--help'),
  };
  if (given.has('--build') || given.has('--no-build')) throw new Error('--build and --no-build exclude each other');
  if (dist !== undefined && build === 'always') throw new Error('--dist runs a build as it is: not with --build');
  const unknown = [...given.keys()];
  if (unknown.length) throw new Error(`Unknown option ${unknown.join(', ')}`);
  if (options.growthCounts.some((count, i, all) => i > 0 && count <= (all[i - 1] ?? 0))) {
    throw new Error('--growth counts must increase');
  }
  if (options.users < options.connections) {
    throw new Error(`--users (${options.users}) must be at least --connections (${options.connections})`);
  }
  if (options.scenarios.includes('growth') && options.users > (options.growthCounts[0] ?? 0)) {
    throw new Error(`--users (${options.users}) must not exceed the first --growth count`);
  }
  return options;
}
