/** The part of `npm audit --json` (report version 2) this check reads. */
interface AuditAdvisory {
  title: string;
  url: string;
  severity: Severity;
}

interface AuditVulnerability {
  name: string;
  severity: Severity;
  // An entry is either an advisory of this package or the name of a vulnerable dependency it pulls in.
  via: (AuditAdvisory | string)[];
}

export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type AuditVerdict =
  | { kind: 'clean'; counts: Record<Severity, number> }
  | { kind: 'findings'; counts: Record<Severity, number>; findings: string[] }
  | { kind: 'unavailable'; reason: string };

/** The severities that fail the check; lower ones are counted only. */
export const FAILING: ReadonlySet<Severity> = new Set<Severity>(['high', 'critical']);

/**
 * Reads npm's JSON output. npm exits non-zero both for findings and when the registry's audit endpoint
 * fails, so the verdict comes from the report's shape, never from the exit code.
 */
export function auditVerdict(stdout: string): AuditVerdict {
  let report: unknown;
  try {
    report = JSON.parse(stdout);
  } catch {
    return { kind: 'unavailable', reason: `npm audit printed no JSON report: ${stdout.slice(0, 200) || '(nothing)'}` };
  }
  if (!isRecord(report) || !isRecord(report['metadata']) || !isRecord(report['metadata']['vulnerabilities'])) {
    const message = isRecord(report) && typeof report['message'] === 'string' ? report['message'] : 'no report';
    return { kind: 'unavailable', reason: message };
  }
  const counts = severityCounts(report['metadata']['vulnerabilities']);
  const vulnerabilities = isRecord(report['vulnerabilities']) ? Object.values(report['vulnerabilities']) : [];
  const findings = vulnerabilities
    .filter(isVulnerability)
    .filter((vulnerability) => FAILING.has(vulnerability.severity))
    .flatMap(findingLines);
  if (findings.length === 0 && [...FAILING].every((severity) => counts[severity] === 0)) {
    return { kind: 'clean', counts };
  }
  return { kind: 'findings', counts, findings };
}

/** One line per advisory a package is itself affected by; packages only pulling one in are named too. */
function findingLines(vulnerability: AuditVulnerability): string[] {
  const advisories = vulnerability.via.filter(isAdvisory);
  if (advisories.length === 0) {
    const through = vulnerability.via.filter((via): via is string => typeof via === 'string').join(', ');
    return [`${vulnerability.severity}: ${vulnerability.name} (through ${through})`];
  }
  return advisories.map(
    (advisory) => `${advisory.severity}: ${vulnerability.name}: ${advisory.title} (${advisory.url})`,
  );
}

export function emptyCounts(): Record<Severity, number> {
  return { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
}

function severityCounts(source: Record<string, unknown>): Record<Severity, number> {
  const counts = emptyCounts();
  for (const severity of SEVERITIES) {
    const count = source[severity];
    counts[severity] = typeof count === 'number' ? count : 0;
  }
  return counts;
}

function isVulnerability(value: unknown): value is AuditVulnerability {
  return (
    isRecord(value) &&
    typeof value['name'] === 'string' &&
    (SEVERITIES as readonly unknown[]).includes(value['severity']) &&
    Array.isArray(value['via'])
  );
}

function isAdvisory(value: unknown): value is AuditAdvisory {
  return isRecord(value) && typeof value['title'] === 'string' && typeof value['url'] === 'string';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
