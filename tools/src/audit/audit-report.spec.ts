import { auditVerdict } from './audit-report';

const none = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };

describe('auditVerdict', () => {
  it('is unavailable when npm printed no report', () => {
    expect(auditVerdict('')).toEqual({ kind: 'unavailable', reason: expect.stringContaining('(nothing)') });
    expect(auditVerdict('npm error audit endpoint returned an error')).toMatchObject({ kind: 'unavailable' });
  });

  it("is unavailable on npm's error object, with its message", () => {
    const verdict = auditVerdict(
      JSON.stringify({ message: '405 Method Not Allowed - POST https://x/bulk', error: {} }),
    );
    expect(verdict).toEqual({ kind: 'unavailable', reason: '405 Method Not Allowed - POST https://x/bulk' });
  });

  it('fails on a high count even when the vulnerability entries cannot be read', () => {
    const verdict = auditVerdict(JSON.stringify({ metadata: { vulnerabilities: { ...none, high: 1 } } }));
    expect(verdict).toEqual({ kind: 'findings', counts: { ...none, high: 1 }, findings: [] });
  });

  it('names a package that is affected only through a dependency', () => {
    const report = {
      vulnerabilities: { app: { name: 'app', severity: 'critical', via: ['lib'] } },
      metadata: { vulnerabilities: { ...none, critical: 1 } },
    };
    expect(auditVerdict(JSON.stringify(report))).toMatchObject({ findings: ['critical: app (through lib)'] });
  });
});
