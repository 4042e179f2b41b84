/**
 * The rollout's migration step: `main.js migrate` migrates and exits, and an auth service with DATABASE_MIGRATE=off
 * refuses to start on a schema that is behind (it would otherwise serve new code on old tables), then starts once the
 * step has run. On SQLite or PostgreSQL (TEST_DATABASE_URL), over TCP or NATS (TEST_TRANSPORT).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './support/database';
import { getFreePort } from './support/ports';
import { AUTH_MAIN, type AppProcess, runNodeScript } from './support/processes';
import { createAuthProcess, LOCALHOST } from './support/system';
import { linkEnvironment, newAuthLink } from './support/transport';

const SUITE = 'migrate';

describe('migrate and DATABASE_MIGRATE=off', () => {
  let database: TestDatabase | undefined;
  let workDir = '';
  let auth: AppProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(SUITE);
    workDir = await mkdtemp(join(tmpdir(), 'e2e-migrate-'));
  });

  afterAll(async () => {
    await auth?.stop();
    await database?.dispose();
    await rm(workDir, { recursive: true, force: true });
  });

  const db = (): TestDatabase => {
    if (!database) throw new Error('no database (see beforeAll)');
    return database;
  };
  const run = async (args: string[], env: Record<string, string>) =>
    runNodeScript({
      suite: SUITE,
      name: args[0] ?? 'serve',
      script: AUTH_MAIN,
      args,
      cwd: workDir,
      env: { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: db().url, AUTH_METRICS_PORT: '0', ...env },
    });

  it('with DATABASE_MIGRATE=off, refuses to start on a database that was never migrated, naming the step to run', async () => {
    const link = await newAuthLink();

    const refused = await run([], { ...linkEnvironment(link, LOCALHOST), DATABASE_MIGRATE: 'off' });

    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/schema is behind \(pending: 0001-create-users, .*\) and DATABASE_MIGRATE=off/);
    expect(refused.output).toContain('main.js migrate');
  });

  it('`migrate` applies every migration and exits 0; a second run finds nothing to do', async () => {
    const first = await run(['migrate'], {});
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/Migrations on .*: applied 0001-create-users, /);

    const second = await run(['migrate'], {});
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('the schema was already current');
  });

  it('with DATABASE_MIGRATE=off, starts and becomes ready on the migrated schema', async () => {
    const link = await newAuthLink();
    auth = createAuthProcess({
      suite: SUITE,
      cwd: workDir,
      link,
      databaseUrl: db().url,
      metricsPort: await getFreePort(LOCALHOST),
      env: { DATABASE_MIGRATE: 'off' },
    });

    await auth.start();

    const ready = await fetch(`http://${LOCALHOST}:${auth.env['AUTH_METRICS_PORT']}/health/ready`);
    expect(await ready.json()).toMatchObject({ status: 'ok', transport: 'connected', database: 'up' });
  });
});
