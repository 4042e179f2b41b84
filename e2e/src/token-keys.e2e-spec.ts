/**
 * Access tokens across processes: a session ended through one gateway is refused by a second gateway within
 * 2 s (revocation feed); signing-key rotation with `keys:rotate` while everything runs (old tokens keep working,
 * new ones carry the new kid, both keys published); the gateway verifying tokens on its own while the auth
 * service is down (readiness 503, `/auth/me` 200) and recovering by itself; a short ACCESS_TOKEN_TTL expiring
 * tokens (TOKEN_EXPIRED) at a gateway without clock tolerance.
 */
import { getFreePort } from './support/ports';
import { expectError } from './support/contract';
import { HttpClient, describeResponse } from './support/http';
import type { AppProcess } from './support/processes';
import { decodeJwt, type JsonObject, verifiesWithJwk } from './support/jwt';
import {
  expectLogin,
  expectMe,
  expectNoContent,
  expectRefreshed,
  expectUnauthorized,
  is401,
  type IssuedTokens,
  login,
  type LoginResult,
  pollResponse,
  ROUTES,
  signUpAndLogin,
} from './support/session-client';
import {
  createAuthProcess,
  createGatewayProcess,
  LOCALHOST,
  runAuthCommand,
  startSystem,
  type TestSystem,
} from './support/system';
import { sleep } from './support/util';

const SUITE = 'token-keys';
const PASSWORD = 'Rotating-Keys-Secret-77';
const REVOCATION_DEADLINE_MS = 2_000;
const PUBLISH_LEAD = '1s';
const SHORT_TTL_SECONDS = 3;

describe('tokens across processes: two gateways, key rotation, auth service down, expiry', () => {
  let system: TestSystem | undefined;
  let gateway2: AppProcess | undefined;
  let http2: HttpClient | undefined;
  let shortTtlAuth: AppProcess | undefined;

  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const second = (): HttpClient => {
    if (!http2) throw new Error('the second gateway did not start (see beforeAll)');
    return http2;
  };
  const http = (): HttpClient => sys().http;
  const expectAlive = async (result: LoginResult, tokens: IssuedTokens = result.tokens, client = http()) =>
    expectMe(await client.me(tokens.accessToken), {
      id: result.user.id,
      username: result.user.username,
      sessionId: tokens.claims.sid,
    });
  const jwks = async (): Promise<JsonObject[]> => {
    const response = await http().get(ROUTES.jwks);
    if (response.status !== 200) throw new Error(describeResponse(response));
    return (response.body as { keys: JsonObject[] }).keys;
  };

  beforeAll(async () => {
    system = await startSystem({ suite: SUITE, authEnv: { SIGNING_KEY_PUBLISH_LEAD: PUBLISH_LEAD } });
    const port = await getFreePort(LOCALHOST);
    // The second gateway has no clock tolerance: the expiry test uses it.
    gateway2 = createGatewayProcess({
      suite: SUITE,
      name: 'gateway-2',
      cwd: system.workDir,
      port,
      link: system.link,
      env: { TOKEN_CLOCK_TOLERANCE: '0s' },
    });
    await gateway2.start();
    http2 = new HttpClient(`http://${LOCALHOST}:${port}`);
  });

  afterAll(async () => {
    const results = await Promise.allSettled([gateway2?.stop(), shortTtlAuth?.stop()]);
    await system?.teardown();
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });

  describe('two gateways in front of one auth service', () => {
    it('a token from one gateway is accepted by the other', async () => {
      const user = await signUpAndLogin(http(), 'keys_two_gw', PASSWORD);
      await expectAlive(user, user.tokens, second());
      const viaSecond = await login(second(), 'keys_two_gw', PASSWORD);
      await expectAlive(viaSecond, viaSecond.tokens, http());
    });

    it('logout through gateway 1 → gateway 2 refuses the same access token within 2 s', async () => {
      const user = await login(http(), 'keys_two_gw', PASSWORD);
      const bystander = await login(http(), 'keys_two_gw', PASSWORD);
      // Gateway 2 has seen (and accepted) the token before the logout.
      await expectAlive(user, user.tokens, second());

      expectNoContent(await http().authed('POST', ROUTES.logout, user.tokens.accessToken));
      // The gateway that ended it: at once.
      expectUnauthorized(await http().me(user.tokens.accessToken), 'SESSION_REVOKED');
      const { elapsedMs } = await pollResponse(() => second().me(user.tokens.accessToken), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        intervalMs: 100,
        description: 'gateway 2 refusing the logged-out token',
      });
      expect(elapsedMs).toBeLessThan(REVOCATION_DEADLINE_MS);
      expectUnauthorized(await second().me(user.tokens.accessToken), 'SESSION_REVOKED');
      // Only that session: another one of the same user still passes both gateways.
      await expectAlive(bystander, bystander.tokens, second());
      await expectAlive(bystander, bystander.tokens, http());
    });

    it('logout-all through gateway 2 → gateway 1 refuses every session of the user within 2 s', async () => {
      const a = await login(http(), 'keys_two_gw', PASSWORD);
      const b = await login(second(), 'keys_two_gw', PASSWORD);
      await expectAlive(a);
      await expectAlive(b);

      expectNoContent(await second().authed('POST', ROUTES.logoutAll, b.tokens.accessToken));
      const started = performance.now();
      for (const tokens of [a.tokens, b.tokens]) {
        await pollResponse(() => http().me(tokens.accessToken), is401('SESSION_REVOKED'), {
          timeoutMs: REVOCATION_DEADLINE_MS,
          description: 'gateway 1 refusing a session ended by logout-all on gateway 2',
        });
      }
      expect(performance.now() - started).toBeLessThan(REVOCATION_DEADLINE_MS);
    });
  });

  describe(`signing-key rotation (keys:rotate, SIGNING_KEY_PUBLISH_LEAD=${PUBLISH_LEAD})`, () => {
    interface Rotation {
      before: LoginResult;
      after: LoginResult;
      oldKid: string;
      newKid: string;
      /** What the first request with a new-key token got from each gateway. */
      firstUse: Array<{ gateway: string; status: number; code: unknown }>;
    }
    let rotation: Rotation | undefined;
    const rotated = (): Rotation => {
      if (!rotation) throw new Error('the rotation did not happen (an earlier test failed)');
      return rotation;
    };

    it('keys:rotate exits 0 printing the new kid; after the lead, new logins carry it', async () => {
      const before = await signUpAndLogin(http(), 'keys_rotation', PASSWORD);
      const oldKid = before.tokens.header.kid;
      await expectAlive(before);
      await expectAlive(before, before.tokens, second());
      const kidsBefore = (await jwks()).map((key) => key['kid']);
      expect(kidsBefore).toEqual([oldKid]);

      const run = await runAuthCommand(sys(), ['keys:rotate']);
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });

      // New logins switch to the new key once the publish lead has passed.
      const { response } = await pollResponse(
        () => http().login({ username: 'keys_rotation', password: PASSWORD }),
        (r) => r.status === 200 && decodeJwt((r.body as { accessToken: string }).accessToken).header['kid'] !== oldKid,
        { timeoutMs: 15_000, intervalMs: 250, description: 'a login whose token carries a new kid' },
      );
      const after = expectLogin(response, 'keys_rotation');
      const newKid = after.tokens.header.kid;
      expect(newKid).not.toBe(oldKid);
      // The command printed the kid it created.
      expect(run.stdout).toContain(newKid);

      // The first use of a new-key token, on both gateways (checked in the next test, so that the rest
      // of the rotation is tested whatever happened here).
      const firstUse = [];
      for (const [gateway, client] of [
        ['gateway 1', http()],
        ['gateway 2', second()],
      ] as const) {
        const first = await client.me(after.tokens.accessToken);
        firstUse.push({ gateway, status: first.status, code: (first.body as { code?: unknown } | undefined)?.code });
      }
      rotation = { before, after, oldKid, newKid, firstUse };
    });

    it('a token signed with the new key is accepted by both gateways at its first use', () => {
      expect(rotated().firstUse).toEqual([
        { gateway: 'gateway 1', status: 200, code: undefined },
        { gateway: 'gateway 2', status: 200, code: undefined },
      ]);
    });

    it('the gateways learn the new key (a fresh new-key token passes within the JWKS refetch cooldown); old tokens still pass', async () => {
      const { before, newKid } = rotated();
      for (const client of [http(), second()]) {
        // A fresh token each time: one refused once may be remembered as refused (verifier error cache).
        const { response } = await pollResponse(
          async () => {
            const fresh = expectLogin(
              await http().login({ username: 'keys_rotation', password: PASSWORD }),
              'keys_rotation',
            );
            expect(fresh.tokens.header.kid).toBe(newKid);
            return client.me(fresh.tokens.accessToken);
          },
          (r) => r.status === 200,
          {
            timeoutMs: 7_000,
            intervalMs: 250,
            description: 'a gateway accepting a fresh token signed with the new key',
          },
        );
        expect(response.body).toMatchObject({ id: before.user.id, username: 'keys_rotation' });
        await expectAlive(before, before.tokens, client);
      }
    });

    it('the very token refused at its first use passes once the gateways know the new key', async () => {
      const { after } = rotated();
      const statuses = [];
      for (const [gateway, client] of [
        ['gateway 1 (30 s tolerance)', http()],
        ['gateway 2 (no tolerance)', second()],
      ] as const) {
        statuses.push({ gateway, status: (await client.me(after.tokens.accessToken)).status });
      }
      expect(statuses).toEqual([
        { gateway: 'gateway 1 (30 s tolerance)', status: 200 },
        { gateway: 'gateway 2 (no tolerance)', status: 200 },
      ]);
    });

    it('GET /auth/jwks lists both kids; each key verifies the tokens it signed and no other', async () => {
      const { before, after, oldKid, newKid } = rotated();
      const keys = await jwks();
      expect(keys.map((key) => key['kid']).sort()).toEqual([oldKid, newKid].sort());
      const jwkFor = (kid: string) => keys.find((key) => key['kid'] === kid) as JsonObject;
      expect(verifiesWithJwk(after.tokens.accessToken, jwkFor(newKid))).toBe(true);
      expect(verifiesWithJwk(before.tokens.accessToken, jwkFor(oldKid))).toBe(true);
      expect(verifiesWithJwk(after.tokens.accessToken, jwkFor(oldKid))).toBe(false);
      expect(verifiesWithJwk(before.tokens.accessToken, jwkFor(newKid))).toBe(false);
      // Gateway 2 publishes the same set.
      const fromSecond = await second().get(ROUTES.jwks);
      expect((fromSecond.body as { keys: JsonObject[] }).keys.map((key) => key['kid']).sort()).toEqual(
        [oldKid, newKid].sort(),
      );
    });

    it('a session from before the rotation refreshes, and gets a token signed with the new key', async () => {
      const { before, newKid } = rotated();
      const refreshed = expectRefreshed(await http().refresh(before.tokens.refreshToken), {
        userId: before.user.id,
        sessionId: before.tokens.claims.sid,
      });
      expect(refreshed.header.kid).toBe(newKid);
      await expectAlive(before, refreshed);
      await expectAlive(before, refreshed, second());
    });
  });

  describe('the auth service down', () => {
    it('readiness → 503 within a few seconds while /auth/me still answers 200; back to 200 by itself', async () => {
      const user = await signUpAndLogin(http(), 'keys_auth_down', PASSWORD);
      await expectAlive(user);
      await expectAlive(user, user.tokens, second());
      expect((await http().get(ROUTES.ready)).status).toBe(200);

      await sys().auth.stop();
      try {
        await pollResponse(
          () => http().get(ROUTES.ready),
          (r) => r.status === 503,
          {
            timeoutMs: 5_000,
            intervalMs: 200,
            description: 'readiness 503 with the auth service stopped',
          },
        );
        // /auth/me needs nothing from the auth service: the gateway verifies the token itself.
        for (const client of [http(), second()]) {
          await expectAlive(user, user.tokens, client);
        }
        await sleep(1_500);
        await expectAlive(user);
        // What does need the auth service says so.
        expectError(await http().login({ username: 'keys_auth_down', password: PASSWORD }), 503, 'AUTH_UNAVAILABLE');
      } finally {
        await sys().auth.start();
      }

      await pollResponse(
        () => http().get(ROUTES.ready),
        (r) => r.status === 200,
        {
          timeoutMs: 10_000,
          intervalMs: 200,
          description: 'readiness 200 after the auth service is back',
        },
      );
      await expectAlive(user);
      const again = await login(http(), 'keys_auth_down', PASSWORD);
      await expectAlive(again, again.tokens, second());
      // The same database: the session from before the outage refreshes.
      expectRefreshed(await http().refresh(user.tokens.refreshToken), { sessionId: user.tokens.claims.sid });
    });
  });

  describe(`access token expiry (ACCESS_TOKEN_TTL=${SHORT_TTL_SECONDS}s)`, () => {
    it('→ 401 TOKEN_EXPIRED at a gateway with TOKEN_CLOCK_TOLERANCE=0s; the default 30 s tolerance still accepts it', async () => {
      const { auth, link, authMetricsPort, database, workDir } = sys();
      await auth.stop();
      // The same port and database, a short access-token lifetime.
      shortTtlAuth = createAuthProcess({
        suite: SUITE,
        name: 'auth-short-ttl',
        cwd: workDir,
        link,
        metricsPort: authMetricsPort,
        databaseUrl: database.url,
        env: { SIGNING_KEY_PUBLISH_LEAD: PUBLISH_LEAD, ACCESS_TOKEN_TTL: `${SHORT_TTL_SECONDS}s` },
      });
      await shortTtlAuth.start();

      const { response } = await pollResponse(
        () => second().login({ username: 'keys_auth_down', password: PASSWORD }),
        (r) => r.status === 200,
        { timeoutMs: 10_000, intervalMs: 200, description: 'a login through gateway 2 after the restart' },
      );
      const result = expectLogin(response, 'keys_auth_down', { ttlSeconds: SHORT_TTL_SECONDS });
      await expectAlive(result, result.tokens, second());

      const { elapsedMs } = await pollResponse(() => second().me(result.tokens.accessToken), is401('TOKEN_EXPIRED'), {
        timeoutMs: (SHORT_TTL_SECONDS + 2) * 1_000,
        intervalMs: 100,
        description: 'TOKEN_EXPIRED from the gateway without tolerance',
      });
      expect(elapsedMs).toBeLessThan((SHORT_TTL_SECONDS + 2) * 1_000);
      expectUnauthorized(await second().me(result.tokens.accessToken), 'TOKEN_EXPIRED');
      expect(Date.now()).toBeGreaterThanOrEqual(result.tokens.claims.exp * 1_000);
      // Gateway 1 keeps the default 30 s clock tolerance.
      await expectAlive(result, result.tokens, http());

      // The cure is a refresh.
      const refreshed = expectRefreshed(await second().refresh(result.tokens.refreshToken), {
        sessionId: result.tokens.claims.sid,
        ttlSeconds: SHORT_TTL_SECONDS,
      });
      await expectAlive(result, refreshed, second());
    });
  });
});
