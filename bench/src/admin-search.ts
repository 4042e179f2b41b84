import { createBenchDatabase } from './database';
import { runToEnd } from './launcher';
import { measure } from './load';
import type { Row } from './results';
import { tokenRoute } from './scenarios';
import { BENCH_PASSWORD, loginAll } from './sessions';
import { type RunContext, withCpu } from './suite';
import { AUTH_MAIN, seedUsers, startSystem } from './system';
import { join } from 'node:path';

/** Latency, not throughput, is the figure: a few connections, as administrators searching, not a flood. */
export const ADMIN_SEARCH_CONNECTIONS = 4;
/** Distinct search terms the requests rotate through. */
const QUERIES = 200;
const PREFIX = 'a_';

/**
 * Searches of the admin API (`GET /api/admin/users?query=<prefix>&limit=20`) on a users table of
 * `options.adminSearchUsers` rows (seeded with `users:seed`), as an administrator made with `users:grant`. Each
 * request asks for another prefix of a seeded name (`a_12345` → the names starting with it), so every one is a
 * range scan of the username index at a random place.
 */
export async function runAdminSearch(ctx: RunContext): Promise<Row> {
  const { options, workDir } = ctx;
  const count = options.adminSearchUsers;
  const database = await createBenchDatabase(options.db, workDir, 'admin');
  ctx.defer(() => database.dispose());
  ctx.log(`admin search: a system on a fresh database (${database.description})`);
  const system = await startSystem(options, { workDir, databaseUrl: database.url, label: 'admin' });
  ctx.defer(() => system.stop());
  try {
    ctx.log(`admin search: seeding ${count.toLocaleString('en-US')} users`);
    await seedUsers(system, workDir, { count, prefix: PREFIX, password: BENCH_PASSWORD });
    await runToEnd(
      {
        name: 'users:grant',
        args: [AUTH_MAIN, 'users:grant', `${PREFIX}0`, 'admin'],
        cwd: workDir,
        env: system.authEnv,
        logFile: join(workDir, 'admin-grant.log'),
      },
      60_000,
    );
    const [admin] = await loginAll(system.baseUrl, [`${PREFIX}0`]);
    if (!admin) throw new Error('the bench administrator could not log in');
    const paths = Array.from({ length: QUERIES }, (_, i) => {
      // A name's index with its last digit dropped: ~10 matches each (fewer near the end of the range).
      const index = Math.floor(((i + 0.5) / QUERIES) * count);
      const term = `${PREFIX}${String(index).slice(0, Math.max(1, String(index).length - 1))}`;
      return `/api/admin/users?query=${encodeURIComponent(term)}&limit=20`;
    });
    const base = { baseUrl: system.baseUrl, connections: ADMIN_SEARCH_CONNECTIONS, durationS: options.durationS };
    const load = tokenRoute(base, '/api/admin/users', [admin]);
    load.requests = paths.map((path) => ({
      method: 'GET',
      path,
      headers: { authorization: `Bearer ${admin.accessToken}` },
    }));
    const title = `GET /api/admin/users?query= at ${count.toLocaleString('en-US')} users (${ADMIN_SEARCH_CONNECTIONS} connections)`;
    ctx.log(title);
    const { result, cpu } = await withCpu({ gateway: system.gateway, auth: system.auth }, () =>
      measure(load, options.warmupS),
    );
    return { id: 'admin-search', title, measurement: result, cpu };
  } finally {
    await system.stop();
    await database.dispose();
  }
}
