import { createBenchDatabase } from './database';
import { measureHashing } from './hash-baseline';
import { machineBusySeconds, type Managed } from './launcher';
import { fire, type LoadOptions, type Measurement, measure } from './load';
import type { Baseline, BenchOptions, ScenarioName } from './options';
import { bestBaselines, type Row } from './results';
import { liveProbe, loginRoute, refreshRoute, signupRoute, tokenRoute } from './scenarios';
import { BENCH_PASSWORD, loginAll, seededNames, type Session } from './sessions';
import { type RunningSystem, seedUsers, startBaselineServer, startSystem } from './system';

/** What every part of a run shares. */
export interface RunContext {
  options: BenchOptions;
  /** The run's temp directory (databases, logs), removed at the end. */
  workDir: string;
  log(line: string): void;
  /** Registers clean-up work (stop a process, drop a database) that runs at the end, on failure and on Ctrl-C. */
  defer(work: () => Promise<void>): void;
}

/** Measures `work` and the CPU each process used meanwhile, in cores. */
export async function withCpu<T>(
  processes: Record<string, Managed | undefined>,
  work: () => Promise<T>,
): Promise<{ result: T; cpu: Record<string, number> }> {
  const started = performance.now();
  const before = Object.entries(processes).map(([name, child]) => [name, child?.cpuSeconds()] as const);
  const ownBefore = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const result = await work();
  const seconds = (performance.now() - started) / 1_000;
  const own = process.cpuUsage(ownBefore);
  const machineAfter = machineBusySeconds();
  const cpu: Record<string, number> = {};
  for (const [name, start] of before) {
    const end = processes[name]?.cpuSeconds();
    if (start !== undefined && end !== undefined) cpu[name] = (end - start) / seconds;
  }
  cpu['bench'] = (own.user + own.system) / 1e6 / seconds;
  if (machineBefore !== undefined && machineAfter !== undefined) {
    // Everything else the machine did meanwhile (the kernel's own work too): a sign of outside load on the figures.
    const ours = Object.values(cpu).reduce((sum, cores) => sum + cores, 0);
    cpu['other'] = Math.max(0, (machineAfter - machineBefore) / seconds - ours);
  }
  return { result, cpu };
}

/** Baseline A: the bare Fastify server in its own process, loaded exactly like the gateway routes. */
export async function runBaselineHttp(ctx: RunContext): Promise<Row> {
  const { options } = ctx;
  const { url, server } = await startBaselineServer(ctx.workDir);
  ctx.defer(() => server.stop());
  try {
    ctx.log('baseline A: bare Fastify, constant JSON');
    const load: LoadOptions = { url, connections: options.connections, durationS: options.durationS };
    const { result, cpu } = await withCpu({ server }, () => measure(load, options.warmupS));
    return { id: 'baseline-http', title: 'baseline A: bare Fastify', baseline: 'A', measurement: result, cpu };
  } finally {
    await server.stop();
  }
}

/** A bearer token as long as ours (an EdDSA JWT with our claims), for baseline C, which reads no token. */
const TOKEN_SIZED_HEADER = { authorization: `Bearer ${'x'.repeat(420)}` };

/** Baseline C: an empty NestJS + Fastify app answering a constant on `/api/auth/me`, in its own process. */
export async function runBaselineNest(ctx: RunContext): Promise<Row> {
  const { options } = ctx;
  const { url, server } = await startBaselineServer(ctx.workDir, 'baseline-nest');
  ctx.defer(() => server.stop());
  try {
    ctx.log('baseline C: empty NestJS + Fastify app, constant on /api/auth/me');
    const load: LoadOptions = {
      url,
      connections: options.connections,
      durationS: options.durationS,
      requests: [{ method: 'GET', path: '/api/auth/me', headers: TOKEN_SIZED_HEADER }],
    };
    const { result, cpu } = await withCpu({ server }, () => measure(load, options.warmupS));
    return { id: 'baseline-nest', title: 'baseline C: empty NestJS app', baseline: 'C', measurement: result, cpu };
  } finally {
    await server.stop();
  }
}

/**
 * Baseline P: the peer (a NestJS app verifying every token with `jose`, no cache) in its own process, with the
 * gateway's JWKS and the same sessions' tokens as `/me`.
 */
async function runBaselinePeer(ctx: RunContext, system: RunningSystem, sessions: readonly Session[]): Promise<Row> {
  const { options } = ctx;
  const first = sessions[0];
  const { url, server } = await startBaselineServer(ctx.workDir, 'baseline-peer', {
    env: { PEER_JWKS_URL: `${system.baseUrl}/api/auth/jwks` },
    headers: first ? { authorization: `Bearer ${first.accessToken}` } : {},
  });
  ctx.defer(() => server.stop());
  try {
    ctx.log('baseline P: NestJS app whose guard verifies every token with jose against our JWKS');
    const load = tokenRoute(
      { baseUrl: url.replace(/\/$/, ''), connections: options.connections, durationS: options.durationS },
      '/api/auth/me',
      sessions,
    );
    const { result, cpu } = await withCpu({ server }, () => measure(load, options.warmupS));
    return { id: 'baseline-peer', title: 'baseline P: NestJS + jose guard', baseline: 'P', measurement: result, cpu };
  } finally {
    await server.stop();
  }
}

/** Baseline B: argon2id alone, same concurrency, in this process. */
export async function runBaselineHash(ctx: RunContext): Promise<Row> {
  const { options } = ctx;
  ctx.log('baseline B: argon2id hashes, in this process');
  if (options.warmupS > 0) await measureHashing(options.connections, options.warmupS);
  const { result, cpu } = await withCpu({}, () => measureHashing(options.connections, options.durationS));
  return {
    id: 'baseline-hash',
    title: 'baseline B: argon2id hash (hashes/s)',
    baseline: 'B',
    measurement: result,
    cpu,
  };
}

/** Every selected scenario that goes through the gateway, on one system with a fresh database. */
export async function runGatewayScenarios(
  ctx: RunContext,
  selected: readonly ScenarioName[],
): Promise<{ rows: Row[]; notes: string[] }> {
  const { options, workDir } = ctx;
  const database = await createBenchDatabase(options.db, workDir, 'main');
  ctx.defer(() => database.dispose());
  ctx.log(`starting the auth service and the gateway (${database.description}, ${options.transport})`);
  const system = await startSystem(options, { workDir, databaseUrl: database.url, label: 'main' });
  ctx.defer(() => system.stop());
  try {
    ctx.log(`seeding ${options.users} users and logging each in`);
    await seedUsers(system, workDir, { count: options.users, prefix: 'u_', password: BENCH_PASSWORD });
    const names = seededNames('u_', options.users);
    const sessions = await loginAll(system.baseUrl, names);
    const base = { baseUrl: system.baseUrl, connections: options.connections, durationS: options.durationS };
    const processes = { gateway: system.gateway, auth: system.auth };
    const rows: Row[] = [];
    // P needs the system's JWKS and tokens: measured before and after the scenarios, like the other baselines.
    const peer = selected.includes('baseline-peer');
    const peerBefore = peer ? [await runBaselinePeer(ctx, system, sessions)] : [];
    const run = async (id: ScenarioName, title: string, baseline: Baseline, load: LoadOptions) => {
      ctx.log(title);
      const { result, cpu } = await withCpu(processes, () => measure(load, options.warmupS));
      rows.push({ id, title, baseline, measurement: result, cpu });
    };
    for (const name of selected) {
      if (name === 'me') await run(name, 'GET /api/auth/me', 'C', tokenRoute(base, '/api/auth/me', sessions));
      if (name === 'sessions') {
        await run(name, 'GET /api/auth/sessions', 'C', tokenRoute(base, '/api/auth/sessions', sessions));
      }
      if (name === 'refresh') {
        const pool = await refreshPool(system, names, options.connections);
        await run(name, 'POST /api/auth/refresh', 'C', refreshRoute(base, pool));
      }
      if (name === 'login') await run(name, 'POST /api/auth/login', 'B', loginRoute(base, names));
      if (name === 'signup') await run(name, 'POST /api/auth/signup', 'B', signupRoute(base, `s${process.pid}_`));
      if (name === 'live-under-login') rows.push(...(await liveUnderLogin(ctx, system, names)));
    }
    const peerAfter = peer && rows.length > 0 ? [await runBaselinePeer(ctx, system, sessions)] : [];
    const best = bestBaselines(peerBefore, peerAfter);
    return { rows: [...best.rows, ...rows], notes: best.notes };
  } finally {
    await system.stop();
    await database.dispose();
  }
}

/** Refresh tokens for the refresh scenario: four per connection at least, each of a session of its own. */
async function refreshPool(system: RunningSystem, names: readonly string[], connections: number): Promise<string[]> {
  const wanted = Math.max(names.length, 4 * connections);
  const users = Array.from({ length: wanted }, (_, i) => names[i % names.length] ?? '');
  return (await loginAll(system.baseUrl, users)).map((session) => session.refreshToken);
}

/** A login flood and a steady liveness probe at once; two rows: the probe (no baseline) and the flood (B). */
async function liveUnderLogin(ctx: RunContext, system: RunningSystem, names: readonly string[]): Promise<Row[]> {
  const { options } = ctx;
  ctx.log('GET /api/health/live under a login flood');
  const base = { baseUrl: system.baseUrl, connections: options.connections, durationS: options.durationS };
  const flood = loginRoute(base, names);
  const probe = liveProbe(base);
  const both = (durationS: number): Promise<[Measurement, Measurement]> =>
    Promise.all([fire({ ...probe, durationS }), fire({ ...flood, durationS })]);
  if (options.warmupS > 0) await both(options.warmupS);
  const { result, cpu } = await withCpu({ gateway: system.gateway, auth: system.auth }, () => both(options.durationS));
  const [live, logins] = result;
  return [
    { id: 'live-under-login', title: 'GET /api/health/live under login flood', measurement: live, cpu },
    { id: 'live-under-login:flood', title: '… the login flood meanwhile', baseline: 'B', measurement: logins },
  ];
}
