import { createBenchDatabase } from './database';
import type { Managed } from './launcher';
import { measure } from './load';
import type { GrowthStep } from './results';
import { loginRoute, tokenRoute } from './scenarios';
import { BENCH_PASSWORD, loginAll, seededNames } from './sessions';
import type { RunContext } from './suite';
import { seedUsers, startSystem } from './system';

/** Samples a process's VmRSS every 250 ms until stopped; resolves with the highest value (MB). */
function sampleRss(child: Managed): { stop(): number | undefined } {
  let peak: number | undefined;
  const sample = () => {
    const rss = child.rssMb();
    if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * Growth with data: one system on a fresh database; at each step `users:seed` brings the users table to the step's
 * count (bulk insert, one argon2 hash), then the round-trip route and login are measured with users of that step
 * (`--users` of them, each logged in once first, so every step's users have the same number of sessions).
 */
export async function runGrowth(ctx: RunContext): Promise<GrowthStep[]> {
  const { options, workDir } = ctx;
  const database = await createBenchDatabase(options.db, workDir, 'growth');
  ctx.defer(() => database.dispose());
  ctx.log(`growth: starting a second system on a fresh database (${database.description})`);
  const system = await startSystem(options, { workDir, databaseUrl: database.url, label: 'growth' });
  ctx.defer(() => system.stop());
  const steps: GrowthStep[] = [];
  try {
    let present = 0;
    for (const [index, users] of options.growthCounts.entries()) {
      const prefix = `g${index}_`;
      ctx.log(`growth: seeding ${(users - present).toLocaleString('en-US')} users → ${users.toLocaleString('en-US')}`);
      const seedStarted = performance.now();
      await seedUsers(system, workDir, { count: users - present, prefix, password: BENCH_PASSWORD });
      const seedS = (performance.now() - seedStarted) / 1_000;
      present = users;
      const names = seededNames(prefix, options.users);
      const sessions = await loginAll(system.baseUrl, names);
      const base = { baseUrl: system.baseUrl, connections: options.connections, durationS: options.durationS };
      ctx.log(`growth @ ${users.toLocaleString('en-US')}: GET /api/auth/sessions`);
      let rss = sampleRss(system.auth);
      const sessionsRoute = await measure(tokenRoute(base, '/api/auth/sessions', sessions), options.warmupS);
      const sessionsRssMb = rss.stop();
      ctx.log(`growth @ ${users.toLocaleString('en-US')}: POST /api/auth/login`);
      rss = sampleRss(system.auth);
      const login = await measure(loginRoute(base, names), options.warmupS);
      const loginRssMb = rss.stop();
      const authRssMb = Math.max(sessionsRssMb ?? 0, loginRssMb ?? 0) || undefined;
      steps.push({ users, seedS, login, sessions: sessionsRoute, authRssMb, sessionsRssMb, loginRssMb });
    }
    return steps;
  } finally {
    await system.stop();
    await database.dispose();
  }
}
