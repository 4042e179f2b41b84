import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exitCodeFor, recordedSummary } from './audit-prod';
import {
  checkRecordedAdvisories,
  loadRecordedAdvisories,
  productionPackages,
  recordedAdvisoryVerdict,
  type RecordedAdvisory,
} from './recorded-advisories';

const advisory = (overrides: Partial<RecordedAdvisory>): RecordedAdvisory => ({
  id: 'GHSA-test-0000-0000',
  package: 'left-pad',
  vulnerable: '<1.3.0',
  severity: 'high',
  title: 'A test advisory',
  url: 'https://example.test/advisories/GHSA-test-0000-0000',
  ...overrides,
});

const lock = {
  lockfileVersion: 3,
  packages: {
    '': { name: 'workspace', version: '0.0.0' },
    'node_modules/left-pad': { version: '1.2.0' },
    'node_modules/jest-only': { version: '0.1.0', dev: true },
    'node_modules/left-pad/node_modules/@scope/nested': { version: '2.0.0', optional: true },
    'node_modules/linked': { resolved: 'libs/linked', link: true },
    'node_modules/left-pad-next': { name: 'left-pad', version: '2.0.0', optional: true },
  },
};

describe('recorded advisories', () => {
  const workspace = resolve(__dirname, '../../..');

  it('reads the production packages of a lock file: nested, scoped, optional and aliased ones; not dev ones or links', () => {
    expect(productionPackages(lock)).toEqual([
      { name: 'left-pad', version: '1.2.0' },
      { name: '@scope/nested', version: '2.0.0' },
      { name: 'left-pad', version: '2.0.0' },
    ]);
    expect(() => productionPackages({ lockfileVersion: 1, dependencies: {} })).toThrow('no "packages" map');
  });

  it('fails on a high or critical advisory that covers a locked production version, naming both', () => {
    for (const severity of ['high', 'critical'] as const) {
      const verdict = recordedAdvisoryVerdict(productionPackages(lock), [advisory({ severity })]);
      expect(verdict).toEqual({
        kind: 'findings',
        counts: expect.objectContaining({ [severity]: 1 }),
        findings: [
          `${severity}: left-pad@1.2.0: A test advisory (GHSA-test-0000-0000, affected <1.3.0, https://example.test/advisories/GHSA-test-0000-0000)`,
        ],
      });
      expect(exitCodeFor({ kind: 'unavailable', reason: '405' }, true, verdict)).toBe(1);
    }
  });

  it('passes on a patched version, a dev-only package and a moderate advisory (which it counts)', () => {
    const verdict = recordedAdvisoryVerdict(productionPackages(lock), [
      advisory({ vulnerable: '<1.2.0' }),
      advisory({ package: 'jest-only', vulnerable: '<1.0.0' }),
      advisory({ package: '@scope/nested', vulnerable: '>=2.0.0 <2.0.5', severity: 'moderate' }),
    ]);
    expect(verdict).toEqual({ kind: 'clean', counts: { info: 0, low: 0, moderate: 1, high: 0, critical: 0 } });
    expect(exitCodeFor({ kind: 'unavailable', reason: '405' }, true, verdict)).toBe(0);
    expect(exitCodeFor({ kind: 'unavailable', reason: '405' }, false, verdict)).toBe(2);
  });

  it('refuses a malformed record instead of skipping it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recorded-advisories-'));
    try {
      const file = join(dir, 'advisories.json');
      const cases: [unknown, string][] = [
        [{ ...advisory({}), vulnerable: '5.11.3' }, '"vulnerable" is not a semver range: 5.11.3'],
        [{ ...advisory({}), vulnerable: 'soon' }, '"vulnerable" is not a semver range: soon'],
        [{ ...advisory({}), severity: 'severe' }, '"severity" must be one of'],
        [{ ...advisory({}), url: '' }, '"url" must be a non-empty string'],
      ];
      for (const [entry, message] of cases) {
        await writeFile(file, JSON.stringify([advisory({}), entry]));
        expect(() => loadRecordedAdvisories(file)).toThrow(`entry 1: ${message}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("this workspace's lock file is clear of every recorded high or critical advisory", () => {
    const verdict = checkRecordedAdvisories(workspace);
    expect(verdict).toEqual({ kind: 'clean', counts: expect.any(Object) });
    expect(recordedSummary(verdict)).toContain('no high or critical one applies');
  });

  it('would fail on the versions this workspace had before the upgrades the records stand for', () => {
    const recorded = loadRecordedAdvisories();
    const locked = productionPackages(JSON.parse(readFileSync(join(workspace, 'package-lock.json'), 'utf8')));
    const previously = locked.map((entry) => (entry.name === 'fastify' ? { ...entry, version: '5.11.3' } : entry));
    const verdict = recordedAdvisoryVerdict(previously, recorded);
    expect(verdict.kind).toBe('findings');
    expect(verdict.kind === 'findings' && verdict.findings.join('\n')).toMatch(/^high: fastify@5\.11\.3: /m);
  });
});
