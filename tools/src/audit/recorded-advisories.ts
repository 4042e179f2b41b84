/**
 * Advisories this project recorded itself (`advisories.json`), checked against the production packages
 * of the lock file without asking any registry. Where `npm audit` cannot reach its endpoint, this is what still
 * stops a known vulnerable version from coming back: a dropped `overrides` entry, a downgrade, a new dependency
 * that pulls an old copy in. It knows only what was recorded; it complements `npm audit`, never replaces it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies, validRange, valid } from 'semver';
import { FAILING, SEVERITIES, emptyCounts, isRecord, type AuditVerdict, type Severity } from './audit-report';

export interface RecordedAdvisory {
  id: string;
  package: string;
  /** A semver range of the affected versions, e.g. `<5.12.2`. */
  vulnerable: string;
  severity: Severity;
  title: string;
  url: string;
}

export interface LockedPackage {
  name: string;
  version: string;
}

/** Checked from files alone, so never `unavailable`: an unreadable file is an error. */
export type RecordedVerdict = Exclude<AuditVerdict, { kind: 'unavailable' }>;

export const RECORDED_ADVISORIES_FILE = join(__dirname, 'advisories.json');

/** Reads and checks the recorded advisories: a malformed entry is an error, never silently skipped. */
export function loadRecordedAdvisories(file = RECORDED_ADVISORIES_FILE): RecordedAdvisory[] {
  const entries: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${file}: expected an array of advisories`);
  return entries.map((entry, index) => {
    const problem = recordProblem(entry);
    if (problem) throw new Error(`${file}: entry ${index}: ${problem}`);
    return entry as RecordedAdvisory;
  });
}

/**
 * Every package a production install gets, from an npm lock file (version 2 or 3): the entries npm does not mark
 * `dev` (optional and peer packages count: a production install may get them), by their real names (an npm alias is
 * the package it stands for). The same name can appear in several versions, nested under different parents.
 */
export function productionPackages(lock: unknown): LockedPackage[] {
  const packages = isRecord(lock) && isRecord(lock['packages']) ? lock['packages'] : undefined;
  if (!packages) throw new Error('the lock file has no "packages" map (npm 7 or later writes one)');
  const locked: LockedPackage[] = [];
  for (const [path, entry] of Object.entries(packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || !isRecord(entry) || entry['dev'] === true || typeof entry['version'] !== 'string') continue;
    // An alias (`"x-napi": "npm:x@^13"`) is installed under its own folder; `name` is the real package.
    const name = typeof entry['name'] === 'string' ? entry['name'] : path.slice(at + 'node_modules/'.length);
    locked.push({ name, version: entry['version'] });
  }
  return locked;
}

/** The lock file's production packages against the recorded advisories, as a verdict of the same shape as npm's. */
export function recordedAdvisoryVerdict(
  locked: readonly LockedPackage[],
  advisories: readonly RecordedAdvisory[],
): RecordedVerdict {
  const counts = emptyCounts();
  const findings: string[] = [];
  const seen = new Set<string>();
  for (const { name, version } of locked) {
    for (const advisory of advisories) {
      const key = `${advisory.id} ${name}@${version}`;
      if (advisory.package !== name || seen.has(key) || !satisfies(version, advisory.vulnerable)) continue;
      seen.add(key);
      counts[advisory.severity] += 1;
      if (FAILING.has(advisory.severity)) {
        findings.push(
          `${advisory.severity}: ${name}@${version}: ${advisory.title} (${advisory.id}, affected ${advisory.vulnerable}, ${advisory.url})`,
        );
      }
    }
  }
  return findings.length > 0 ? { kind: 'findings', counts, findings } : { kind: 'clean', counts };
}

/** The workspace's lock file against the recorded advisories. */
export function checkRecordedAdvisories(workspace: string): RecordedVerdict {
  const lock: unknown = JSON.parse(readFileSync(join(workspace, 'package-lock.json'), 'utf8'));
  return recordedAdvisoryVerdict(productionPackages(lock), loadRecordedAdvisories());
}

function recordProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return 'not an object';
  for (const field of ['id', 'package', 'vulnerable', 'title', 'url'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') return `"${field}" must be a non-empty string`;
  }
  if (!(SEVERITIES as readonly unknown[]).includes(entry['severity'])) {
    return `"severity" must be one of ${SEVERITIES.join(', ')}`;
  }
  const range = entry['vulnerable'] as string;
  // A bare version would match that one version only, which is never what an advisory means.
  if (validRange(range) === null || valid(range) !== null) return `"vulnerable" is not a semver range: ${range}`;
  return undefined;
}
