/**
 * Scale-out: three auth instances in one NATS queue group on one PostgreSQL database, two gateways sharing
 * rate-limit counters in Redis. Needs those servers: `npm run test:e2e:nats` (skipped otherwise).
 */
import {
  type ClusterGateway,
  handledBy,
  scaleOutUnavailableReason,
  startCluster,
  type TestCluster,
} from './support/cluster';
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import type { HttpResponse } from './support/http';
import { scrapeMetrics } from './support/prometheus';
import {
  expectMe,
  expectNoContent,
  expectRefreshed,
  is401,
  login,
  pollResponse,
  ROUTES,
  signUpAndLogin,
} from './support/session-client';
import { runAuthCommand } from './support/system';
import { pollUntil, sleep } from './support/util';

const SUITE = 'scale-out';
const PASSWORD = 'Scale-Out-Secret-7';
const RPC_TIMEOUT_MS = 3_000;
const REFRESH_LIMIT = 10;
const REVOCATION_DEADLINE_MS = 2_000;
const THROTTLE_THRESHOLD = 4;
const unavailable = scaleOutUnavailableReason();

if (unavailable) {
  describe('scale-out', () => {
    it.skip(`is skipped: it ${unavailable}`, () => undefined);
  });
} else {
  describe('scale-out: 3 auth instances on NATS, 2 gateways sharing Redis, one PostgreSQL', () => {
    let cluster: TestCluster | undefined;
    const c = (): TestCluster => {
      if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
      return cluster;
    };
    const gateway = (index: number): ClusterGateway => c().gateways[index % c().gateways.length];

    beforeAll(async () => {
      cluster = await startCluster({
        suite: SUITE,
        authCount: 3,
        gatewayCount: 2,
        gatewayEnv: {
          AUTH_RPC_TIMEOUT_MS: String(RPC_TIMEOUT_MS),
          RATE_LIMIT_ENABLED: 'true',
          RATE_LIMIT_SIGNUP_LIMIT: '1000000',
          RATE_LIMIT_LOGIN_LIMIT: '1000000',
          RATE_LIMIT_REFRESH_LIMIT: String(REFRESH_LIMIT),
          RATE_LIMIT_REFRESH_TTL_MS: '60000',
          // The rate-limit test is one client of its own, by X-Forwarded-For from the trusted test runner.
          TRUSTED_PROXIES: '127.0.0.1',
          // Polls too rare to meet the revocation deadline: only the broker's events can.
          REVOCATION_SYNC_INTERVAL: '30s',
          REVOCATION_SYNC_STALE_AFTER: '1m',
        },
        // A rotated key signs 1 s after it is published (instead of 2 min), so the rotation test can see it.
        authEnv: { SIGNING_KEY_PUBLISH_LEAD: '1s', LOGIN_THROTTLE_THRESHOLD: String(THROTTLE_THRESHOLD) },
      });
    }, 90_000);

    afterAll(async () => {
      await cluster?.teardown();
    });

    it('three instances starting at once on an empty database migrate it once and publish one signing key', async () => {
      for (const { http } of c().gateways) {
        const response = await http.get(ROUTES.jwks);
        expect(response.status).toBe(200);
        expect((response.body as { keys: unknown[] }).keys).toHaveLength(1);
      }
    });

    it('spreads requests over every auth instance: each request is handled by exactly one', async () => {
      const session = await signUpAndLogin(gateway(0).http, 'spread_user', PASSWORD);
      const before = await Promise.all(c().auths.map((auth) => handledBy(auth, 'auth.sessions.list')));
      const total = 150;
      for (let i = 0; i < total; i += 10) {
        const batch = Array.from({ length: 10 }, (_, j) =>
          gateway(i + j).http.authed('GET', ROUTES.sessions, session.tokens.accessToken),
        );
        expect((await Promise.all(batch)).map((response) => response.status)).toEqual(Array(10).fill(200));
      }
      const after = await Promise.all(c().auths.map((auth) => handledBy(auth, 'auth.sessions.list')));
      const handled = after.map((count, i) => count - before[i]);

      expect(handled.reduce((sum, count) => sum + count, 0)).toBe(total);
      // NATS picks a member of the queue group at random: each of three gets about 50; 15 is far in the tail.
      for (const count of handled)
        expect({ handled, fairShare: count >= total * 0.1 }).toEqual({ handled, fairShare: true });
    });

    it('10 parallel refreshes of one token through both gateways (so on several instances) → all 200, one session, one successor', async () => {
      const start = await signUpAndLogin(gateway(0).http, 'parallel_refresh', PASSWORD);
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) => gateway(i).http.refresh(start.tokens.refreshToken)),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
      const refreshed = responses.map((response) => expectRefreshed(response, { sessionId: start.tokens.claims.sid }));
      expect(new Set(refreshed.map((tokens) => tokens.refreshToken)).size).toBe(1);
    });

    it(`a logout through gateway A revokes the access token at gateway B within ${REVOCATION_DEADLINE_MS} ms, by a NATS event`, async () => {
      const [a, b] = c().gateways;
      const session = await signUpAndLogin(a.http, 'revoked_across', PASSWORD);
      const claims = session.tokens.claims;
      expectMe(await b.http.me(session.tokens.accessToken), {
        id: claims.sub,
        username: claims.username,
        sessionId: claims.sid,
      });

      expectNoContent(await a.http.authed('POST', ROUTES.logout, session.tokens.accessToken));
      const { elapsedMs } = await pollResponse(() => b.http.me(session.tokens.accessToken), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        intervalMs: 50,
        description: 'the access token refused at gateway B',
      });
      expect(elapsedMs).toBeLessThan(REVOCATION_DEADLINE_MS);
      const metrics = await scrapeMetrics(`http://127.0.0.1:${b.port}/metrics`);
      expect(metrics.value('revocation_events_received_total')).toBeGreaterThanOrEqual(1);
    });

    it(`rate limits hold across both gateways: ${REFRESH_LIMIT} refreshes per client and minute in all, not per gateway`, async () => {
      const client = { headers: { 'x-forwarded-for': '203.0.113.77' } };
      const statuses: number[] = [];
      for (let i = 0; i < 3 * REFRESH_LIMIT; i++) {
        statuses.push((await gateway(i).http.refresh('A'.repeat(43), client)).status);
      }
      const allowed = statuses.filter((status) => status === 401).length;
      const limited = statuses.filter((status) => status === 429).length;
      expect({ allowed, limited, other: statuses.length - allowed - limited }).toEqual({
        allowed: REFRESH_LIMIT,
        limited: 2 * REFRESH_LIMIT,
        other: 0,
      });
    });

    it(`counts failed logins across instances: ${THROTTLE_THRESHOLD} failures spread over them, then 429 for that client`, async () => {
      await signUpAndLogin(gateway(0).http, 'shared_counter', PASSWORD);
      const attacker = { headers: { 'x-forwarded-for': '198.51.100.23' } };
      // NATS spreads these over the instances (all on one in ~4% of runs): the count must be the database's.
      for (let i = 0; i < THROTTLE_THRESHOLD; i++) {
        const wrong = await gateway(i).http.login({ username: 'shared_counter', password: 'Wrong-Guess-1' }, attacker);
        expectError(wrong, 401, 'INVALID_CREDENTIALS');
      }
      const right = await gateway(1).http.login({ username: 'shared_counter', password: PASSWORD }, attacker);
      expectError(right, 429, 'TOO_MANY_ATTEMPTS');
      // The owner, from a client that has not been failing, is not blocked.
      expectLoggedIn(await gateway(0).http.login({ username: 'shared_counter', password: PASSWORD }), 'shared_counter');
    });

    it('a key rotation run by one process while the instances sign: every instance moves to the new key, old tokens stay valid', async () => {
      const before = await signUpAndLogin(gateway(0).http, 'rotation_user', PASSWORD);
      const oldKid = before.tokens.header.kid;
      const run = await runAuthCommand({ suite: SUITE, workDir: c().workDir, auth: c().auths[0].process }, [
        'keys:rotate',
      ]);
      expect({ code: run.code, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, output: '' });

      // Each instance reloads the keys within seconds: then 12 logins in a row, spread over them, use the new key.
      const fresh = await pollUntil(
        async () => {
          const batch = await Promise.all(
            Array.from({ length: 12 }, (_, i) => login(gateway(i).http, 'rotation_user', PASSWORD)),
          );
          return batch.every((result) => result.tokens.header.kid !== oldKid) ? batch : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 500, description: 'every instance signing with the new key' },
      );
      expect(new Set(fresh.map((result) => result.tokens.header.kid)).size).toBe(1);
      for (const { http } of c().gateways) {
        for (const tokens of [before.tokens, fresh[0].tokens]) {
          expect((await http.me(tokens.accessToken)).status).toBe(200);
        }
      }
    });

    describe('one auth instance killed (SIGKILL) under a load of sign-ups and logins', () => {
      interface Outcome {
        kind: 'signup' | 'login';
        username: string;
        startedAt: number;
        durationMs: number;
        status: number;
      }
      const outcomes: Outcome[] = [];
      let killedAt = 0;

      beforeAll(async () => {
        const victim = c().auths[1].process;
        const started = performance.now();
        const loadMs = 6_000;
        const record = async (kind: Outcome['kind'], username: string, send: () => Promise<HttpResponse>) => {
          const startedAt = performance.now();
          const response = await send();
          outcomes.push({ kind, username, startedAt, durationMs: response.durationMs, status: response.status });
          return response.status;
        };
        const worker = async (id: number): Promise<void> => {
          for (let i = 0; performance.now() - started < loadMs; i++) {
            const username = `load_${id}_${i}`;
            const { http } = gateway(id + i);
            const status = await record('signup', username, () => http.signup({ username, password: PASSWORD }));
            if (status === 201) await record('login', username, () => http.login({ username, password: PASSWORD }));
          }
        };
        const killer = async (): Promise<void> => {
          await sleep(2_000);
          killedAt = performance.now();
          await victim.kill();
        };
        await Promise.all([...Array.from({ length: 16 }, (_, id) => worker(id)), killer()]);
      }, 60_000);

      it('answers every request with success, or 503/504 for those on the killed instance: never an error, never a hang', () => {
        expect(outcomes.length).toBeGreaterThan(50);
        const statuses = [...new Set(outcomes.map((outcome) => outcome.status))].sort();
        expect(statuses.filter((status) => ![200, 201, 503, 504].includes(status))).toEqual([]);
        const slowest = Math.max(...outcomes.map((outcome) => outcome.durationMs));
        expect({ slowest, withinTimeout: slowest < RPC_TIMEOUT_MS + 1_000 }).toEqual({ slowest, withinTimeout: true });
      });

      it('serves every request sent after the kill (once NATS has seen the connection drop)', () => {
        const afterKill = outcomes.filter((outcome) => outcome.startedAt > killedAt + 250);
        expect(afterKill.length).toBeGreaterThan(20);
        expect(afterKill.filter((outcome) => outcome.status >= 300)).toEqual([]);
      });

      it('loses no acknowledged sign-up: every 201 can log in', async () => {
        const acknowledged = outcomes.filter((outcome) => outcome.kind === 'signup' && outcome.status === 201);
        expect(acknowledged.length).toBeGreaterThan(20);
        for (let i = 0; i < acknowledged.length; i += 8) {
          const batch = acknowledged.slice(i, i + 8);
          const responses = await Promise.all(
            batch.map(({ username }, j) => gateway(j).http.login({ username, password: PASSWORD })),
          );
          responses.forEach((response, j) => expectLoggedIn(response, batch[j].username));
        }
      });

      it('a sign-up cut off by the kill can be repeated: 201 or 409, never an error', async () => {
        const cutOff = outcomes.filter((outcome) => outcome.kind === 'signup' && outcome.status >= 500);
        for (const { username } of cutOff) {
          const again = await gateway(0).http.signup({ username, password: PASSWORD });
          if (again.status === 201) expectSignedUp(again, username);
          else expectError(again, 409, 'USERNAME_TAKEN');
        }
      });

      it('takes work again once restarted', async () => {
        const restarted = c().auths[1];
        await restarted.process.start();
        const session = await login(gateway(0).http, 'spread_user', PASSWORD);
        const handled = await pollUntil(
          async () => {
            await Promise.all(
              Array.from({ length: 30 }, (_, i) =>
                gateway(i).http.authed('GET', ROUTES.sessions, session.tokens.accessToken),
              ),
            );
            const count = await handledBy(restarted, 'auth.sessions.list');
            return count > 0 ? count : undefined;
          },
          { timeoutMs: 10_000, intervalMs: 100, description: 'a request handled by the restarted instance' },
        );
        expect(handled).toBeGreaterThan(0);
      });
    });
  });
}
