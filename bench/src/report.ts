import type { BenchReport, GrowthStep, Row } from './results';
import { verdict } from './results';

const TABLE_HEAD = ['scenario', 'req/s', 'p50', 'p99', 'max', 'errors', 'vs baseline'];
const GROWTH_HEAD = ['users', 'seeded in', 'login req/s', 'login p50', 'p50 × first', 'sessions req/s'];
const GROWTH_HEAD_REST = ['sessions p50', 'p50 × first', 'auth RSS peak (sessions / login)'];

export const formatRps = (rps: number) =>
  rps >= 100 ? Math.round(rps).toLocaleString('en-US') : rps.toFixed(rps >= 10 ? 1 : 2);
export const formatMs = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
/** Every ratio of the row, its main baseline's first: `0.74 × C, 5.20 × P, 0.50 × A`. */
const formatRatios = (row: Row): string => {
  const all = row.ratios ?? (row.ratio !== undefined && row.baseline ? { [row.baseline]: row.ratio } : {});
  const main = (baseline: string) => Number(baseline === row.baseline);
  const ratios = Object.entries(all).sort(([a], [b]) => main(b) - main(a));
  return ratios.length === 0 ? '—' : ratios.map(([baseline, ratio]) => `${ratio.toFixed(2)} × ${baseline}`).join(', ');
};
const times = (ratio: number | undefined) => (ratio === undefined ? '—' : `${ratio.toFixed(2)} ×`);
const mb = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(0));

/** The cells of one table line. */
export function rowCells(row: Row): string[] {
  const { rps, latency, errors } = row.measurement;
  return [
    row.title,
    formatRps(rps),
    formatMs(latency.p50),
    formatMs(latency.p99),
    formatMs(latency.max),
    String(errors.total),
    formatRatios(row),
  ];
}

export function growthCells(step: GrowthStep): string[] {
  return [
    step.users.toLocaleString('en-US'),
    `${step.seedS.toFixed(1)} s`,
    formatRps(step.login.rps),
    formatMs(step.login.latency.p50),
    times(step.loginP50Ratio),
    formatRps(step.sessions.rps),
    formatMs(step.sessions.latency.p50),
    times(step.sessionsP50Ratio),
    step.authRssMb === undefined
      ? '—'
      : `${step.authRssMb.toFixed(0)} MB (${mb(step.sessionsRssMb)} / ${mb(step.loginRssMb)})`,
  ];
}

const NUMERIC = /^[\d,.]+( (ms|MB|s|×)( .*)?)?$|^—$/;

/** A plain-text table, columns padded; numbers aligned right. */
export function textTable(head: readonly string[], lines: readonly string[][]): string {
  const widths = head.map((cell, i) => Math.max(cell.length, ...lines.map((line) => (line[i] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i > 0 && NUMERIC.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(head), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join('\n');
}

/** A Markdown table; numeric columns right-aligned. */
export function markdownTable(head: readonly string[], lines: readonly string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const align = head.map((_, i) => (i > 0 && lines.every((line) => NUMERIC.test(line[i] ?? '')) ? '---:' : '---'));
  return [head, align, ...lines].map((cells) => `| ${cells.map(escape).join(' | ')} |`).join('\n');
}

/** What the terminal shows at the end of a run. */
export function renderText(report: BenchReport): string {
  const parts = [textTable(TABLE_HEAD, report.rows.map(rowCells))];
  if (report.growth.length) {
    parts.push(`Growth (${report.options.users} distinct users per step)`);
    parts.push(textTable([...GROWTH_HEAD, ...GROWTH_HEAD_REST], report.growth.map(growthCells)));
  }
  parts.push('Targets');
  parts.push(
    report.targets
      .map(
        (target) => `  ${verdict(target, report.options.quick).padEnd(13)} ${target.description}: ${target.measured}`,
      )
      .join('\n'),
  );
  return parts.join('\n\n');
}

function machineLine(report: BenchReport): string {
  const { machine } = report;
  const load = `load average ${machine.loadStart.toFixed(2)} at start${
    machine.loadEnd === undefined ? '' : `, ${machine.loadEnd.toFixed(2)} at end`
  }`;
  return `${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.platform}; ${load}`;
}

/** The Markdown report; `chartFile` is the SVG's name beside it. */
export function renderMarkdown(report: BenchReport, chartFile: string): string {
  const { options } = report;
  const lines = [
    `# Benchmark ${report.startedAt}`,
    '',
    `- Machine: ${machineLine(report)}`,
    `- Run: ${options.quick ? '**quick** (smoke run, targets not asserted), ' : ''}${options.durationS} s per ` +
      `scenario after ${options.warmupS} s of warm-up, ${options.connections} connections, ` +
      `${options.users} distinct users/tokens, ${options.transport.toUpperCase()} transport, ${report.database}, ` +
      `LOG_LEVEL=${options.logLevel}, NODE_ENV=production, rate limits off`,
    '',
    markdownTable(TABLE_HEAD, report.rows.map(rowCells)),
    '',
    `![requests/s and ratio to the baseline](${chartFile})`,
    '',
  ];
  lines.push(
    `CPU while measured, in cores (CPU seconds per second, of ${report.machine.cores}), and in brackets the CPU time ` +
      'that makes per request (per hash for baseline B):',
    '',
  );
  lines.push(markdownTable(['scenario', ...CPU_PROCESSES], report.rows.map(cpuCells)), '');
  if (report.growth.length) {
    lines.push('## Growth with data', '');
    lines.push(markdownTable([...GROWTH_HEAD, ...GROWTH_HEAD_REST], report.growth.map(growthCells)), '');
  }
  lines.push('## Targets', '');
  lines.push(
    markdownTable(
      ['target', 'measured', 'verdict'],
      report.targets.map((t) => targetCells(t, options.quick)),
    ),
  );
  if (report.notes.length) lines.push('', '## Notes', '', ...report.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

const CPU_PROCESSES = ['gateway', 'auth', 'server', 'bench', 'other'];

/**
 * A row's CPU use by process (`server`: baseline A's Fastify; `bench`: the load generator, or the hashing; `other`:
 * the rest of the machine, kernel included — high values mean outside load disturbed that row), with what it costs
 * per request: where the time of a route goes, process by process.
 */
export function cpuCells(row: Row): string[] {
  const { rps } = row.measurement;
  const cell = (cores: number | undefined): string => {
    if (cores === undefined) return '—';
    return rps > 0 ? `${cores.toFixed(2)} (${formatCpuTime(cores / rps)})` : cores.toFixed(2);
  };
  return [row.title, ...CPU_PROCESSES.map((name) => cell(row.cpu?.[name]))];
}

/** CPU seconds as µs below 1 ms, else ms. */
function formatCpuTime(seconds: number): string {
  const micros = seconds * 1e6;
  return micros < 1_000 ? `${Math.round(micros)} µs` : `${(micros / 1_000).toFixed(1)} ms`;
}

function targetCells(target: BenchReport['targets'][number], quick: boolean): string[] {
  return [target.description, target.measured, verdict(target, quick)];
}
