/**
 * `npm run check:deployable` (after `npm run build`): what the build writes beside each app's main.js must install
 * with `npm ci --omit=dev` to the versions the workspace's lock file has, with the recorded advisories' fixes
 * (`@nestjs/platform-fastify` pins a vulnerable `fastify` exactly; only the root `overrides` keep it out).
 *
 * For each app, in a temporary folder: `npm ci --omit=dev --ignore-scripts` from the emitted package.json and
 * package-lock.json; `npm ls --omit=dev --all` must report no problem (invalid, missing, extraneous); every installed
 * package must be a name@version the root lock has; no recorded advisory may apply. Then the auth service's
 * production install runs (`migrate`, then serving with NODE_ENV unset, so that pino-pretty would be asked for):
 * install scripts are skipped to keep this fast, so the better-sqlite3 build of the workspace is reused there; the
 * image build (`deploy/ci/image-smoke.sh`) compiles it for real.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { promisify } from 'node:util';
import { loadRecordedAdvisories, productionPackages, recordedAdvisoryVerdict } from '../audit/recorded-advisories';
import { isRecord } from '../audit/audit-report';

const run = promisify(execFile);

export const DEPLOYABLE_APPS = ['api-gateway', 'auth-microservice', 'example-service'] as const;

/** Every name@version of a lock file's production packages. */
export function lockedVersions(lock: unknown): Set<string> {
  return new Set(productionPackages(lock).map(({ name, version }) => `${name}@${version}`));
}

/** The installed packages (npm's hidden lock file, `node_modules/.package-lock.json`) the root lock does not have. */
export function versionsNotInRootLock(installed: unknown, root: ReadonlySet<string>): string[] {
  return [...lockedVersions(installed)].filter((entry) => !root.has(entry)).sort();
}

/** The problems `npm ls --json` reports (invalid, missing, extraneous, peer conflicts), as npm words them. */
export function lsProblems(report: unknown): string[] {
  if (!isRecord(report)) return ['npm ls printed no JSON object'];
  const problems = report['problems'];
  return Array.isArray(problems) ? problems.map(String) : [];
}

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('npm', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (failure) {
    // npm ls exits 1 when it finds problems; its JSON report still says which.
    const { stdout, stderr } = failure as { stdout?: string; stderr?: string };
    if (args[0] === 'ls' && stdout) return stdout;
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stderr ?? String(failure)}`);
  }
}

async function checkApp(workspace: string, app: string, root: ReadonlySet<string>, scratch: string): Promise<string[]> {
  const built = join(workspace, 'dist/apps', app);
  for (const file of ['package.json', 'package-lock.json', 'main.js']) {
    if (!existsSync(join(built, file))) return [`${app}: dist/apps/${app}/${file} is missing: run npm run build first`];
  }
  const dir = join(scratch, app);
  cpSync(built, dir, { recursive: true });
  const started = Date.now();
  try {
    await npm(['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  } catch (failure) {
    // e.g. "Missing: fastify@5.11.3 from lock file": the package.json lost an override the lock file was made with.
    const reasons = String(failure instanceof Error ? failure.message : failure)
      .split('\n')
      .filter((line) => /Missing:|Invalid:|EUSAGE|ERESOLVE|EOVERRIDE|in sync/.test(line));
    return [`${app}: npm ci --omit=dev refused the emitted files:\n      ${reasons.join('\n      ')}`];
  }
  const failures = lsProblems(JSON.parse(await npm(['ls', '--omit=dev', '--all', '--json'], dir))).map(
    (problem) => `${app}: npm ls: ${problem}`,
  );
  const installed: unknown = JSON.parse(readFileSync(join(dir, 'node_modules/.package-lock.json'), 'utf8'));
  for (const entry of versionsNotInRootLock(installed, root)) {
    failures.push(`${app}: installs ${entry}, which the root package-lock.json does not have`);
  }
  const advisories = recordedAdvisoryVerdict(productionPackages(installed), loadRecordedAdvisories());
  if (advisories.kind === 'findings') failures.push(...advisories.findings.map((finding) => `${app}: ${finding}`));
  console.log(
    `${app}: npm ci --omit=dev: ${productionPackages(installed).length} packages in ${Date.now() - started} ms; ` +
      (failures.length
        ? `${failures.length} problem(s)`
        : 'all from the root lock, npm ls clean, no recorded advisory'),
  );
  return failures;
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts `main.js` in `dir`, waits for `ready` on stdout, sends SIGTERM; resolves with its exit code and output. */
function serveUntilReady(
  dir: string,
  env: NodeJS.ProcessEnv,
  ready: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['main.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let signalled = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      // One SIGTERM, as an orchestrator sends: a second one would end the process before its handler has finished.
      if (!signalled && output.includes(ready)) signalled = child.kill('SIGTERM');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, output: signal ? `${output}\n(ended by ${signal})` : output });
    });
  });
}

/**
 * The auth service's production install runs: `main.js migrate` on a new SQLite file, then the service itself with
 * DATABASE_MIGRATE=off (the schema is current) and NODE_ENV unset (development logging: pino-pretty, a development
 * dependency, is not there), until it is ready; SIGTERM must end it with 0.
 */
async function runAuthService(workspace: string, scratch: string): Promise<string[]> {
  const dir = join(scratch, 'auth-microservice');
  const nativeBuild = join(workspace, 'node_modules/better-sqlite3/build');
  if (!existsSync(nativeBuild)) return ['auth-microservice: no better-sqlite3 build in the workspace to reuse'];
  cpSync(nativeBuild, join(dir, 'node_modules/better-sqlite3/build'), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    DATABASE_URL: `sqlite:${join(dir, 'auth.sqlite')}`,
    DATABASE_MIGRATE: 'off',
    AUTH_TCP_PORT: String(await freePort()),
    AUTH_METRICS_PORT: '0',
    SHUTDOWN_DRAIN_DELAY: '0s',
  };
  try {
    const { stdout } = await run(process.execPath, ['main.js', 'migrate'], { cwd: dir, env, timeout: 60_000 });
    console.log(`auth-microservice: main.js migrate in the production install: ${stdout.trim()}`);
  } catch (failure) {
    const { stdout, stderr } = failure as { stdout?: string; stderr?: string };
    return [`auth-microservice: main.js migrate failed in the production install:\n${stdout ?? ''}${stderr ?? ''}`];
  }
  const { code, output } = await serveUntilReady(dir, env, 'Auth microservice ready');
  if (code !== 0 || !output.includes('Auth microservice ready')) {
    return [`auth-microservice: the production install did not serve and stop cleanly (exit ${code}):\n${output}`];
  }
  console.log('auth-microservice: served from the production install (DATABASE_MIGRATE=off), stopped with exit 0');
  return [];
}

async function main(): Promise<void> {
  const workspace = resolvePath(__dirname, '../../..');
  const root = lockedVersions(JSON.parse(readFileSync(join(workspace, 'package-lock.json'), 'utf8')));
  const scratch = mkdtempSync(join(tmpdir(), 'deployable-'));
  try {
    const failures: string[] = [];
    // In parallel: each install mostly waits on the registry and the disk.
    const perApp = await Promise.all(DEPLOYABLE_APPS.map((app) => checkApp(workspace, app, root, scratch)));
    failures.push(...perApp.flat());
    if (failures.length === 0) failures.push(...(await runAuthService(workspace, scratch)));
    if (failures.length > 0) {
      console.error(`Deployable build: ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
      process.exitCode = 1;
    } else {
      console.log('Deployable build: every app installs the root lock versions with npm ci --omit=dev');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((failure: unknown) => {
    console.error(failure);
    process.exitCode = 2;
  });
}
