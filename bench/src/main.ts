/**
 * `npm run bench`: builds the apps if needed, starts its own instances on free loopback ports with fresh databases,
 * runs every scenario with autocannon after a warm-up, prints one table and writes JSON, Markdown and an SVG chart
 * to bench/results/. See `npm run bench -- --help`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { renderChart } from './chart';
import { runAdminSearch } from './admin-search';
import { runGrowth } from './growth';
import { killAllNow } from './launcher';
import { parseOptions, type BenchOptions, USAGE } from './options';
import { renderMarkdown, renderText } from './report';
import { type BenchReport, bestBaselines, evaluateTargets, type Row, withGrowthRatios, withRatios } from './results';
import { type RunContext, runBaselineHash, runBaselineHttp, runBaselineNest, runGatewayScenarios } from './suite';
import { AUTH_MAIN, GATEWAY_MAIN, ROOT } from './system';

const GATEWAY_SCENARIOS = new Set(['me', 'sessions', 'refresh', 'login', 'signup', 'live-under-login']);
const log = (line: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** True when a built app is missing or older than any source of the apps and libraries. */
export function buildNeeded(): boolean {
  if (!existsSync(AUTH_MAIN) || !existsSync(GATEWAY_MAIN)) return true;
  const built = Math.min(statSync(AUTH_MAIN).mtimeMs, statSync(GATEWAY_MAIN).mtimeMs);
  const sources = ['apps/auth-microservice/src', 'apps/api-gateway/src', 'libs/shared/src', 'libs/runtime/src'];
  return sources.some((dir) => newestMtime(join(ROOT, dir)) > built);
}

function ensureBuilt(options: BenchOptions): void {
  if (options.build === 'never' || (options.build === 'auto' && !buildNeeded())) return;
  log('building the apps (npm run build)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build failed (exit code ${build.status})`);
}

function assertNatsReachable(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: 4222 });
    socket.setTimeout(2_000, () => socket.destroy(new Error('timed out')));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error) =>
      reject(new Error(`--transport nats needs a NATS server on 127.0.0.1:4222 (${error.message}): start nats-server`)),
    );
  });
}

/** Clean-up work registered during the run, done last-in first-out, each at most once. */
class Cleanup {
  private readonly stack: (() => Promise<void>)[] = [];
  defer(work: () => Promise<void>): void {
    this.stack.push(work);
  }
  async run(): Promise<void> {
    for (let work = this.stack.pop(); work; work = this.stack.pop()) {
      await work().catch((error: unknown) => log(`clean-up: ${error instanceof Error ? error.message : error}`));
    }
  }
}

function notes(options: BenchOptions): string[] {
  return [
    'Every scenario runs through the real gateway (and the real auth service where the route needs it), each app ' +
      'in its own process, with the load generator (autocannon, one process) on the same cores.',
    'Errors = non-2xx responses + socket errors (autocannon counts timeouts among its errors).',
    `GET /api/health/live is probed at ${10} connections, 1,000 requests/s in all, during a login flood at ` +
      `${options.connections} connections: its figure is latency under load, not throughput.`,
    'CPU is in cores: CPU seconds per second of each process while measured; "other" is the rest of the machine ' +
      '(kernel interrupt work included): a high value there means outside load disturbed that row.',
  ];
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  ensureBuilt(options);
  if (options.transport === 'nats') await assertNatsReachable();
  const workDir = mkdtempSync(join(tmpdir(), 'bench-'));
  const cleanup = new Cleanup();
  cleanup.defer(() => Promise.resolve(rmSync(workDir, { recursive: true, force: true })));
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      killAllNow();
      process.exit(130);
    }
    interrupted = true;
    log(`${signal}: stopping the processes and removing the databases (again to kill at once)`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAllNow);

  const ctx: RunContext = { options, workDir, log, defer: (work) => cleanup.defer(work) };
  const cpu = cpus();
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: {
      cores: cpu.length,
      cpu: cpu[0]?.model.trim() ?? 'unknown',
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      loadStart: loadavg()[0] ?? 0,
    },
    options,
    database: options.db === 'sqlite' ? 'SQLite (temp file)' : 'PostgreSQL (database bench_<pid>_*)',
    rows: [],
    growth: [],
    targets: [],
    notes: notes(options),
  };
  log(`load average ${report.machine.loadStart.toFixed(2)}; temp dir ${workDir}`);
  try {
    const selected = options.scenarios;
    const baselines = async (): Promise<Row[]> => [
      ...(selected.includes('baseline-http') ? [await runBaselineHttp(ctx)] : []),
      ...(selected.includes('baseline-nest') ? [await runBaselineNest(ctx)] : []),
      ...(selected.includes('baseline-hash') ? [await runBaselineHash(ctx)] : []),
    ];
    const before = await baselines();
    const others: Row[] = [];
    if (selected.some((name) => GATEWAY_SCENARIOS.has(name))) {
      const gateway = await runGatewayScenarios(ctx, selected);
      others.push(...gateway.rows);
      report.notes.push(...gateway.notes);
    }
    if (selected.includes('growth')) report.growth = withGrowthRatios(await runGrowth(ctx));
    if (selected.includes('admin-search')) others.push(await runAdminSearch(ctx));
    const after = others.length > 0 ? await baselines() : [];
    const { rows, notes } = bestBaselines(before, after);
    report.rows = [...rows, ...others];
    report.notes.push(...notes);
  } finally {
    await cleanup.run();
  }
  report.rows = withRatios(report.rows);
  report.targets = evaluateTargets(report.rows, report.growth);
  report.finishedAt = new Date().toISOString();
  report.machine.loadEnd = loadavg()[0] ?? 0;
  writeReports(report);
  const failed = report.targets.filter((target) => target.met === false);
  if (options.quick || failed.length === 0) return 0;
  log(`${failed.length} target(s) not met`);
  return 1;
}

function writeReports(report: BenchReport): void {
  const outDir = resolvePath(ROOT, report.options.outDir);
  mkdirSync(outDir, { recursive: true });
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const name = `bench-${stamp}`;
  const title = `requests/s and ratio to baseline — ${report.machine.cores} cores, Node ${report.machine.node}`;
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, `${name}.svg`), renderChart(report.rows, title));
  writeFileSync(join(outDir, `${name}.md`), renderMarkdown(report, `${name}.svg`));
  process.stdout.write(`\n${renderText(report)}\n\n`);
  log(`wrote ${join(report.options.outDir, name)}.{json,md,svg}`);
}

main()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    killAllNow();
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(2);
  });
