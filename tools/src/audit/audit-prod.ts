/**
 * `npm run audit:prod`: fails when a production dependency has a known high or critical advisory, as told by
 * `npm audit --omit=dev` and by the advisories recorded in `advisories.json` (checked without a registry).
 *
 *   npm run audit:prod                          # fails closed: an unreachable audit endpoint is an error
 *   npm run audit:prod -- --allow-unreachable   # an unreachable endpoint is a loud warning, not an error
 *   npm run audit:prod -- --registry <url>      # ask another registry (or mirror) for advisories
 */
import { execFile } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { auditVerdict, type AuditVerdict } from './audit-report';
import { checkRecordedAdvisories, type RecordedVerdict } from './recorded-advisories';

export interface AuditOptions {
  cwd: string;
  registry?: string;
  /** npm's cache folder; npm keeps the advisories it was told about there. */
  cache?: string;
}

export async function runAudit({ cwd, registry, cache }: AuditOptions): Promise<AuditVerdict> {
  const args = [
    'audit',
    '--omit=dev',
    '--json',
    ...(registry ? ['--registry', registry] : []),
    ...(cache ? ['--cache', cache] : []),
  ];
  const stdout = await new Promise<string>((resolve) => {
    // npm exits 1 for findings and for endpoint failures alike: the report tells them apart.
    execFile('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (_failure, out) => resolve(out));
  });
  return auditVerdict(stdout);
}

/** The recorded advisories are checked whatever the registry says: their findings fail even with `--allow-unreachable`. */
export function exitCodeFor(verdict: AuditVerdict, allowUnreachable: boolean, recorded?: RecordedVerdict): number {
  if (recorded?.kind === 'findings') return 1;
  if (verdict.kind === 'findings') return 1;
  if (verdict.kind === 'unavailable') return allowUnreachable ? 0 : 2;
  return 0;
}

export function summary(verdict: AuditVerdict, allowUnreachable: boolean): string {
  switch (verdict.kind) {
    case 'clean':
      return `npm audit --omit=dev: no high or critical advisories (${countsText(verdict.counts)})`;
    case 'findings':
      return [
        `npm audit --omit=dev: high or critical advisories in production dependencies (${countsText(verdict.counts)}):`,
        ...verdict.findings.map((finding) => `  - ${finding}`),
      ].join('\n');
    case 'unavailable':
      return [
        '!!! npm audit --omit=dev: NOT CHECKED: the registry did not answer the audit request:',
        `!!!   ${verdict.reason}`,
        allowUnreachable
          ? '!!! --allow-unreachable was given: passing without an audit.'
          : '!!! Failing closed; pass --allow-unreachable where the audit endpoint cannot be reached.',
      ].join('\n');
  }
}

export function recordedSummary(recorded: RecordedVerdict): string {
  switch (recorded.kind) {
    case 'findings':
      return [
        'recorded advisories (tools/src/audit/advisories.json): production packages affected:',
        ...recorded.findings.map((finding) => `  - ${finding}`),
      ].join('\n');
    case 'clean':
      return `recorded advisories (tools/src/audit/advisories.json): no high or critical one applies to the lock file (${countsText(recorded.counts)})`;
  }
}

function countsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([severity, count]) => `${severity} ${count}`)
    .join(', ');
}

async function main(argv: string[]): Promise<void> {
  // Strict: a mistyped flag stops the audit instead of being ignored (a dropped `--registry` would ask another registry).
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { 'allow-unreachable': { type: 'boolean', default: false }, registry: { type: 'string' } },
  });
  const { 'allow-unreachable': allowUnreachable, registry } = values;
  const workspace = resolvePath(__dirname, '../../..');
  const recorded = checkRecordedAdvisories(workspace);
  const verdict = await runAudit({ cwd: workspace, registry });
  const code = exitCodeFor(verdict, allowUnreachable, recorded);
  (code === 0 ? console.log : console.error)(`${recordedSummary(recorded)}\n${summary(verdict, allowUnreachable)}`);
  process.exitCode = code;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((failure: unknown) => {
    console.error(failure);
    process.exitCode = 2;
  });
}
