/**
 * A session is one refresh chain: a replay of a refresh token inside REFRESH_TOKEN_REUSE_GRACE gets the same
 * successor (so parallel or repeated refreshes cannot fork the session), and a superseded token used after the window
 * ends the session with every token it handed out. The gateway that hears REFRESH_TOKEN_REUSED refuses the session's
 * access tokens at once, not at its next revocation poll. Over NATS (`npm run test:e2e:nats`) the same holds for
 * refreshes of one token spread over two auth instances.
 */
import { randomBytes } from 'node:crypto';
import { handledBy, scaleOutUnavailableReason, startCluster, type TestCluster } from './support/cluster';
import { expectError } from './support/contract';
import type { HttpClient, HttpResponse } from './support/http';
import { scrapeMetrics } from './support/prometheus';
import {
  expectMe,
  expectRefreshed,
  expectUnauthorized,
  type IssuedTokens,
  type LoginResult,
  signUpAndLogin,
} from './support/session-client';
import { startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const SUITE = 'refresh-chain';
const GRACE_MS = 2_000;
/** Past the grace window of a token used just before, with a margin for a slow machine. */
const PAST_GRACE_MS = GRACE_MS + 700;
const PASSWORD = 'Refresh-Chain-Secret-23';
const AUTH_ENV = {
  REFRESH_TOKEN_REUSE_GRACE: `${GRACE_MS / 1_000}s`,
  // Chains keyed with the pepper derived from it too; the same on every instance, as production requires.
  SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(48).toString('base64'),
};
/** Polls so rare that only what the gateway learns from the refresh answer itself can revoke within a test. */
const GATEWAY_ENV = { REVOCATION_SYNC_INTERVAL: '1m', REVOCATION_SYNC_STALE_AFTER: '2m' };

/** Every token of the session is dead: refresh tokens refused, access tokens refused by this gateway right away. */
async function expectSessionOver(http: HttpClient, start: LoginResult, issued: readonly IssuedTokens[]): Promise<void> {
  for (const tokens of [start.tokens, ...issued]) {
    expectError(await http.refresh(tokens.refreshToken), 401, ['INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_REUSED']);
    expectUnauthorized(await http.me(tokens.accessToken), 'SESSION_REVOKED');
  }
}

/**
 * After the window, presents each distinct refresh token obtained once: answers the successors that were issued.
 * At most one may come back (the one chain of the session).
 */
async function useEachOnce(http: HttpClient, obtained: readonly IssuedTokens[], sid: string): Promise<IssuedTokens[]> {
  const distinct = [...new Set(obtained.map((tokens) => tokens.refreshToken))];
  const answers: HttpResponse[] = [];
  for (const token of distinct) answers.push(await http.refresh(token));
  return answers.filter((answer) => answer.status === 200).map((answer) => expectRefreshed(answer, { sessionId: sid }));
}

describe('refresh chains: the grace window cannot fork a session', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('the system did not start (see beforeAll)');
    return system;
  };
  const lastPoll = async (): Promise<number | undefined> =>
    (await scrapeMetrics(`${sys().baseUrl}/metrics`)).value('revocation_sync_last_success_timestamp_seconds');

  beforeAll(async () => {
    system = await startSystem({ suite: SUITE, authEnv: AUTH_ENV, gatewayEnv: GATEWAY_ENV });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  // First, while the gateway's only poll so far is the one at start-up.
  it('REFRESH_TOKEN_REUSED → this gateway refuses the ended session’s unexpired access token at once, with no poll', async () => {
    const { http } = sys();
    const victim = await signUpAndLogin(http, 'chain_victim', PASSWORD);
    const sid = victim.tokens.claims.sid;
    const next = expectRefreshed(await http.refresh(victim.tokens.refreshToken), { sessionId: sid });
    expectMe(await http.me(next.accessToken), { id: victim.user.id, username: 'chain_victim', sessionId: sid });
    await sleep(PAST_GRACE_MS);
    const pollBefore = await lastPoll();
    expect(pollBefore).toBeGreaterThan(0);

    const reused = await http.refresh(victim.tokens.refreshToken);
    expectError(reused, 401, 'REFRESH_TOKEN_REUSED');
    // The standard error body: nothing about the ended session.
    expect(reused.text).not.toContain(sid);

    expectUnauthorized(await http.me(next.accessToken), 'SESSION_REVOKED');
    expectUnauthorized(await http.me(victim.tokens.accessToken), 'SESSION_REVOKED');
    // No revocation poll ran meanwhile: the answer to the refresh is what revoked them here.
    expect(await lastPoll()).toBe(pollBefore);
  });

  it('two concurrent refreshes and a replay inside the window → one successor; after it one chain continues, and a superseded token ends it all', async () => {
    const { http } = sys();
    const start = await signUpAndLogin(http, 'chain_fork', PASSWORD);
    const sid = start.tokens.claims.sid;
    const concurrent = await Promise.all([
      http.refresh(start.tokens.refreshToken),
      http.refresh(start.tokens.refreshToken),
    ]);
    const replay = await http.refresh(start.tokens.refreshToken);
    const inWindow = [...concurrent, replay].map((answer) => expectRefreshed(answer, { sessionId: sid }));
    // Each answer is a new access token, but the refresh token is the one successor of the token presented.
    expect(new Set(inWindow.map((tokens) => tokens.claims.jti)).size).toBe(3);
    expect(new Set(inWindow.map((tokens) => tokens.refreshToken)).size).toBe(1);

    await sleep(PAST_GRACE_MS);
    const continued = await useEachOnce(http, inWindow, sid);
    expect({ chainsGoingOn: continued.length }).toEqual({ chainsGoingOn: 1 });
    const [tip] = continued;
    expectMe(await http.me(tip.accessToken), { id: start.user.id, username: 'chain_fork', sessionId: sid });

    // The token the window was about, long superseded: theft, and the whole session ends.
    expectError(await http.refresh(start.tokens.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    await expectSessionOver(http, start, [...inWindow, tip]);
  });

  it('a replay after the successor was itself used (still inside the window) gets the live end of the chain', async () => {
    const { http } = sys();
    const start = await signUpAndLogin(http, 'chain_late', PASSWORD);
    const sid = start.tokens.claims.sid;
    const first = expectRefreshed(await http.refresh(start.tokens.refreshToken), { sessionId: sid });
    const second = expectRefreshed(await http.refresh(first.refreshToken), { sessionId: sid });
    // A late answer to a parallel refresh with the first token: the client must not be handed a spent token.
    const late = expectRefreshed(await http.refresh(start.tokens.refreshToken), { sessionId: sid });
    expect(late.refreshToken).toBe(second.refreshToken);

    // …and it is the live one: the chain goes on from it.
    expectRefreshed(await http.refresh(late.refreshToken), { sessionId: sid });
  });
});

const unavailable = scaleOutUnavailableReason();

(unavailable ? describe.skip : describe)('refresh chains over NATS with two auth instances', () => {
  let cluster: TestCluster | undefined;
  const c = (): TestCluster => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)');
    return cluster;
  };

  beforeAll(async () => {
    cluster = await startCluster({
      suite: `${SUITE}-nats`,
      authCount: 2,
      gatewayCount: 1,
      authEnv: AUTH_ENV,
      gatewayEnv: GATEWAY_ENV,
    });
  }, 90_000);

  afterAll(async () => {
    await cluster?.teardown();
  });

  it('16 concurrent refreshes of one token, handled by both instances → one successor, one chain after the window', async () => {
    const { http } = c().gateways[0];
    const start = await signUpAndLogin(http, 'chain_cluster', PASSWORD);
    const sid = start.tokens.claims.sid;
    const before = await Promise.all(c().auths.map((auth) => handledBy(auth, 'auth.refresh')));
    const answers = await Promise.all(Array.from({ length: 16 }, () => http.refresh(start.tokens.refreshToken)));
    const after = await Promise.all(c().auths.map((auth) => handledBy(auth, 'auth.refresh')));
    const handled = after.map((count, i) => count - before[i]);
    // NATS picks an instance at random for each: all 16 on one happens once in 30,000 runs.
    expect({ handled, both: handled.every((count) => count > 0) }).toEqual({ handled, both: true });

    const inWindow = answers.map((answer) => expectRefreshed(answer, { sessionId: sid }));
    expect(new Set(inWindow.map((tokens) => tokens.refreshToken)).size).toBe(1);

    await sleep(PAST_GRACE_MS);
    const continued = await useEachOnce(http, inWindow, sid);
    expect({ chainsGoingOn: continued.length }).toEqual({ chainsGoingOn: 1 });
    expectError(await http.refresh(start.tokens.refreshToken), 401, 'REFRESH_TOKEN_REUSED');
    await expectSessionOver(http, start, [...inWindow, ...continued]);
  });
});
