import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { exitCodeFor, runAudit, summary } from './audit-prod';

type Answer = { status: number; body: unknown };

/**
 * A registry on 127.0.0.1 that answers npm's bulk advisory request as told, so the real `npm audit` runs
 * over this workspace's real lock file, whatever the machine's registry allows.
 */
class FakeRegistry {
  answer: Answer = { status: 200, body: {} };
  requestedPackages: string[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url?.endsWith('/advisories/bulk')) {
        const raw = Buffer.concat(chunks);
        const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        this.requestedPackages = Object.keys(JSON.parse(body.toString('utf8')) as Record<string, string[]>);
        response.writeHead(this.answer.status, { 'content-type': 'application/json' });
        response.end(this.answer.status === 200 ? JSON.stringify(this.answer.body) : '');
        return;
      }
      // Packuments, which npm asks for to work out fixes: "not here" is enough for a report.
      response.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let advisoryId = 1_000_000;

// A new id each time: npm keeps what it computed for an advisory id in its cache.
const advisory = (severity: string) => ({
  id: ++advisoryId,
  url: 'https://example.test/advisories/1',
  title: `A ${severity} advisory`,
  severity,
  vulnerable_versions: '<1000.0.0',
  cwe: ['CWE-1321'],
  cvss: { score: 7.5, vectorString: null },
});

// Each test runs the real npm CLI (a second or two alone, much more on a busy CI machine).
jest.setTimeout(60_000);

describe('npm run audit:prod (the real npm audit against a registry on 127.0.0.1)', () => {
  const workspace = resolve(__dirname, '../../..');
  const registry = new FakeRegistry();
  let url: string;
  let cache: string;
  const audit = () => runAudit({ cwd: workspace, registry: url, cache });

  beforeAll(async () => {
    url = await registry.start();
    cache = await mkdtemp(join(tmpdir(), 'audit-cache-'));
  });
  afterAll(async () => {
    await registry.stop();
    await rm(cache, { recursive: true, force: true });
  });

  it('asks about production dependencies only', async () => {
    registry.answer = { status: 200, body: {} };
    await audit();
    expect(registry.requestedPackages).toEqual(expect.arrayContaining(['@nestjs/core', 'fastify', 'rxjs']));
    expect(registry.requestedPackages).not.toContain('jest');
    expect(registry.requestedPackages).not.toContain('eslint');
  });

  it('passes when the registry knows no advisory', async () => {
    registry.answer = { status: 200, body: {} };
    const verdict = await audit();
    expect(verdict).toEqual({ kind: 'clean', counts: { info: 0, low: 0, moderate: 0, high: 0, critical: 0 } });
    expect(exitCodeFor(verdict, false)).toBe(0);
  });

  it('passes on a moderate advisory, and still counts it', async () => {
    registry.answer = { status: 200, body: { rxjs: [advisory('moderate')] } };
    const verdict = await audit();
    expect(verdict.kind).toBe('clean');
    expect(verdict.kind === 'clean' && verdict.counts.moderate).toBeGreaterThan(0);
    expect(exitCodeFor(verdict, false)).toBe(0);
  });

  it.each(['high', 'critical'])('fails on a %s advisory, naming the package and the advisory', async (severity) => {
    registry.answer = { status: 200, body: { rxjs: [advisory(severity)] } };
    const verdict = await audit();
    expect(verdict.kind).toBe('findings');
    expect(exitCodeFor(verdict, true)).toBe(1);
    expect(summary(verdict, true)).toContain(
      `${severity}: rxjs: A ${severity} advisory (https://example.test/advisories/1)`,
    );
  });

  it('as `npm run audit:prod`: exits 1 on a high advisory from the registry given, and 2 on an unknown flag', async () => {
    registry.answer = { status: 200, body: { rxjs: [advisory('high')] } };
    const run = (...args: string[]) =>
      new Promise<{ code: number; output: string }>((resolve) => {
        const env = { ...process.env, npm_config_cache: cache };
        execFile('npm', ['run', 'audit:prod', '--', ...args], { cwd: workspace, env }, (failure, stdout, stderr) =>
          resolve({ code: typeof failure?.code === 'number' ? failure.code : 0, output: stdout + stderr }),
        );
      });
    const audited = await run(`--registry=${url}`);
    expect(audited.code).toBe(1);
    expect(audited.output).toContain('high: rxjs: A high advisory');
    expect(audited.output).toContain('recorded advisories (tools/src/audit/advisories.json): no high or critical one');
    const mistyped = await run('--allow-unreachble');
    expect(mistyped.code).toBe(2);
    expect(mistyped.output).toContain("Unknown option '--allow-unreachble'");
  }, 30_000);

  it('fails closed when the audit endpoint does not answer, unless told to allow it', async () => {
    registry.answer = { status: 405, body: '' };
    const verdict = await audit();
    expect(verdict).toEqual({ kind: 'unavailable', reason: expect.stringContaining('405') });
    expect(exitCodeFor(verdict, false)).toBe(2);
    expect(exitCodeFor(verdict, true)).toBe(0);
    expect(summary(verdict, true)).toContain('NOT CHECKED');
  });
});
