import { ERROR_MESSAGES, type RequestMeta } from '@nestjs-microservices/shared';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { rpcErrorOf } from '../common/rpc-failure.spec-helpers';
import type { Database } from '../database/database.types';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import type { RevocationBroadcast } from './revocation-broadcast';
import type { SessionTokens } from './session-tokens.service';
import type { SessionsService } from './sessions.service';
import { insertUser, sessionStackInMemory } from './sessions.spec-helpers';

const META: RequestMeta = { requestId: 'spec', clientIp: '192.0.2.7', userAgent: 'jest' };

describe('SessionTokens (real keys, tokens and repository on SQLite in memory)', () => {
  let db: Kysely<Database>;
  let sessions: SessionsService;
  let sessionTokens: SessionTokens;
  let registry: Registry;
  let broadcast: RevocationBroadcast;

  async function setUp(env: Record<string, string> = {}): Promise<void> {
    ({ db, registry, sessions, sessionTokens, broadcast } = await sessionStackInMemory(env));
  }

  const user = (username: string) => insertUser(db, username);

  afterEach(() => db.destroy());

  describe('with the default settings', () => {
    beforeEach(() => setUp());

    it('stores only the SHA-256 of a refresh token, bound to its session', async () => {
      const tokens = await sessionTokens.start(await user('alice'), META);
      const rows = await db.selectFrom('refresh_tokens').selectAll().execute();
      expect(rows).toEqual([expect.objectContaining({ token_hash: hashRefreshToken(tokens.refreshToken) })]);
      expect(JSON.stringify(rows)).not.toContain(tokens.refreshToken);
    });

    it('rotates: new tokens for the same session, and the idle expiry moves', async () => {
      const first = await sessionTokens.start(await user('alice'), META);
      const { sessionId: sid, authTime } = await sessions.authenticate(first.accessToken);
      const second = await sessionTokens.refresh(first.refreshToken, META);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.accessToken).not.toBe(first.accessToken);
      await expect(sessions.authenticate(second.accessToken)).resolves.toEqual({
        userId: expect.any(String),
        username: 'alice',
        sessionId: sid,
        roles: [],
        authTime,
      });
      expect(Date.parse(second.refreshTokenExpiresAt)).toBeGreaterThanOrEqual(Date.parse(first.refreshTokenExpiresAt));
    });

    it('carries the roles in the token, a change of them from the next refresh, and keeps auth_time', async () => {
      const alice = await user('alice');
      const first = await sessionTokens.start(alice, META);
      const before = await sessions.authenticate(first.accessToken);
      expect(before.roles).toEqual([]);
      expect(Math.abs((before.authTime?.getTime() ?? 0) - Date.now())).toBeLessThan(2_000);
      await db
        .insertInto('user_roles')
        .values([
          { user_id: alice.id, role: 'editor', granted_at: new Date().toISOString() },
          { user_id: alice.id, role: 'admin', granted_at: new Date().toISOString() },
        ])
        .execute();
      await expect(sessions.authenticate(first.accessToken)).resolves.toMatchObject({ roles: [] });
      const second = await sessionTokens.refresh(first.refreshToken, META);
      await expect(sessions.authenticate(second.accessToken)).resolves.toMatchObject({
        roles: ['admin', 'editor'],
        authTime: before.authTime,
      });
    });

    it('answers ACCOUNT_DISABLED to a refresh of a disabled account', async () => {
      const alice = await user('alice');
      const tokens = await sessionTokens.start(alice, META);
      await db.updateTable('users').set({ disabled_at: new Date().toISOString() }).where('id', '=', alice.id).execute();
      await expect(rpcErrorOf(sessionTokens.refresh(tokens.refreshToken, META))).resolves.toMatchObject({
        status: 403,
        code: 'ACCOUNT_DISABLED',
      });
    });

    it('stores login.succeeded and session.started with the session, and session.ended at logout', async () => {
      const alice = await user('alice');
      const tokens = await sessionTokens.start(alice, META);
      await sessions.logout(tokens.accessToken, META);
      const rows = await db.selectFrom('audit_events').select(['type', 'user_id', 'client_ip']).orderBy('id').execute();
      expect(rows).toEqual([
        { type: 'login.succeeded', user_id: alice.id, client_ip: META.clientIp },
        { type: 'session.started', user_id: alice.id, client_ip: META.clientIp },
        { type: 'session.ended', user_id: alice.id, client_ip: META.clientIp },
      ]);
      expect(JSON.stringify(await db.selectFrom('audit_events').selectAll().execute())).not.toContain(
        tokens.refreshToken,
      );
    });

    it('answers INVALID_REFRESH_TOKEN for a token it never issued', async () => {
      await expect(rpcErrorOf(sessionTokens.refresh('not-a-token-we-issued', META))).resolves.toMatchObject({
        status: 401,
        code: 'INVALID_REFRESH_TOKEN',
      });
    });

    it('honours 10 parallel refreshes of one token within the grace window with one successor: the session stays one chain', async () => {
      const first = await sessionTokens.start(await user('alice'), META);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => sessionTokens.refresh(first.refreshToken, META)),
      );
      expect(new Set(results.map((result) => result.refreshToken)).size).toBe(1);
      expect(new Set(results.map((result) => result.accessToken)).size).toBe(10);
      for (const result of results) {
        await expect(sessions.authenticate(result.accessToken)).resolves.toMatchObject({ username: 'alice' });
      }
      await expect(sessions.list(first.accessToken)).resolves.toHaveLength(1);
      // The login's token and its one successor: a replay adds no row.
      await expect(db.selectFrom('refresh_tokens').select('token_hash').execute()).resolves.toHaveLength(2);
    });

    it('a replay after the successor was used meanwhile gets the live end of the chain, never a spent token', async () => {
      const first = await sessionTokens.start(await user('alice'), META);
      const second = await sessionTokens.refresh(first.refreshToken, META);
      const third = await sessionTokens.refresh(second.refreshToken, META);
      const fourth = await sessionTokens.refresh(third.refreshToken, META);

      await expect(sessionTokens.refresh(first.refreshToken, META)).resolves.toMatchObject({
        refreshToken: fourth.refreshToken,
      });
      await expect(sessionTokens.refresh(third.refreshToken, META)).resolves.toMatchObject({
        refreshToken: fourth.refreshToken,
      });
      await expect(db.selectFrom('refresh_tokens').select('token_hash').execute()).resolves.toHaveLength(4);
      const fifth = await sessionTokens.refresh(fourth.refreshToken, META);
      expect([first, second, third, fourth].map((t) => t.refreshToken)).not.toContain(fifth.refreshToken);
    });

    it('stores no successor: the rows hold token hashes and a random chain key, never a token', async () => {
      const first = await sessionTokens.start(await user('alice'), META);
      const second = await sessionTokens.refresh(first.refreshToken, META);
      const stored = JSON.stringify([
        await db.selectFrom('refresh_tokens').selectAll().execute(),
        await db.selectFrom('sessions').selectAll().execute(),
      ]);
      for (const token of [first.refreshToken, second.refreshToken]) {
        expect(stored).not.toContain(token);
        expect(stored).toContain(hashRefreshToken(token));
      }
      expect(second.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const [row] = await db.selectFrom('sessions').select('refresh_secret').execute();
      expect(row?.refresh_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('gives a session from before migration 0006 its chain key at its next rotation', async () => {
      const first = await sessionTokens.start(await user('alice'), META);
      await db.updateTable('sessions').set({ refresh_secret: null }).execute();

      const second = await sessionTokens.refresh(first.refreshToken, META);
      const [row] = await db.selectFrom('sessions').select('refresh_secret').execute();
      expect(row?.refresh_secret).toEqual(expect.any(String));
      await expect(sessionTokens.refresh(first.refreshToken, META)).resolves.toMatchObject({
        refreshToken: second.refreshToken,
      });
    });

    it('refuses to replay a token rotated before migration 0006 (its successor was random): no second chain', async () => {
      const alice = await sessionTokens.start(await user('alice'), META);
      const sid = (await sessions.authenticate(alice.accessToken)).sessionId;
      // What the previous version did: mark the token used and store a random successor, with no chain key.
      await db.updateTable('sessions').set({ refresh_secret: null }).execute();
      await db.updateTable('refresh_tokens').set({ used_at: new Date().toISOString() }).execute();
      const legacy = newRefreshToken();
      await db
        .insertInto('refresh_tokens')
        .values({ token_hash: legacy.hash, session_id: sid, created_at: new Date().toISOString() })
        .execute();

      await expect(rpcErrorOf(sessionTokens.refresh(alice.refreshToken, META))).resolves.toMatchObject({
        code: 'INVALID_REFRESH_TOKEN',
      });
      // The chain the previous version started goes on, now keyed, and the old token still cannot branch off it.
      const next = await sessionTokens.refresh(legacy.token, META);
      await expect(sessions.authenticate(next.accessToken)).resolves.toMatchObject({ sessionId: sid });
      await expect(rpcErrorOf(sessionTokens.refresh(alice.refreshToken, META))).resolves.toMatchObject({
        code: 'INVALID_REFRESH_TOKEN',
      });
      await expect(sessionTokens.refresh(legacy.token, META)).resolves.toMatchObject({
        refreshToken: next.refreshToken,
      });
    });
  });

  describe('with no reuse grace', () => {
    beforeEach(() => setUp({ REFRESH_TOKEN_REUSE_GRACE: '0s' }));

    it('takes a used token coming back as theft: REFRESH_TOKEN_REUSED, and the whole session ends', async () => {
      const first = await sessionTokens.start(await user('alice'), META);
      const sid = (await sessions.authenticate(first.accessToken)).sessionId;
      const second = await sessionTokens.refresh(first.refreshToken, META);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const sink = jest.fn();
      broadcast.attach(sink);

      const reused = await rpcErrorOf(sessionTokens.refresh(first.refreshToken, META));
      // The error carries what it ended, as the broadcast and the feed do, for the gateway that asked.
      expect(reused).toEqual({
        status: 401,
        code: 'REFRESH_TOKEN_REUSED',
        message: ERROR_MESSAGES.REFRESH_TOKEN_REUSED,
        revoked: [{ sessionId: sid, until: expect.any(String) }],
      });
      expect(sink).toHaveBeenCalledWith({ revoked: (reused as { revoked: unknown }).revoked });
      await expect(sessions.revocations(undefined)).resolves.toMatchObject({
        revoked: (reused as { revoked: unknown }).revoked,
      });
      await expect(rpcErrorOf(sessionTokens.refresh(second.refreshToken, META))).resolves.toMatchObject({
        code: 'INVALID_REFRESH_TOKEN',
      });
      await expect(rpcErrorOf(sessions.authenticate(second.accessToken))).resolves.toMatchObject({
        code: 'SESSION_REVOKED',
      });
      expect(await registry.getSingleMetricAsString('auth_token_refreshes_total')).toContain(
        'auth_token_refreshes_total{outcome="reused"} 1',
      );
    });
  });

  describe('with SESSIONS_MAX_PER_USER=3', () => {
    beforeEach(() => setUp({ SESSIONS_MAX_PER_USER: '3' }));
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

    it("a login beyond the limit ends the user's least recently used session, and tells the gateways", async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const a = await sessionTokens.start(alice, META);
      await tick();
      const b = await sessionTokens.start(alice, META);
      await tick();
      const c = await sessionTokens.start(alice, META);
      const bobs = await sessionTokens.start(bob, META);
      await tick();
      const aRefreshed = await sessionTokens.refresh(a.refreshToken, META); // a is now used more recently than b
      await tick();
      const sink = jest.fn();
      broadcast.attach(sink);

      const d = await sessionTokens.start(alice, META);

      await expect(rpcErrorOf(sessions.authenticate(b.accessToken))).resolves.toMatchObject({
        code: 'SESSION_REVOKED',
      });
      await expect(rpcErrorOf(sessionTokens.refresh(b.refreshToken, META))).resolves.toMatchObject({
        code: 'INVALID_REFRESH_TOKEN',
      });
      const listed = await sessions.list(d.accessToken);
      expect(listed).toHaveLength(3);
      const ids = await Promise.all(
        [aRefreshed, c, d].map(async (t) => (await sessions.authenticate(t.accessToken)).sessionId),
      );
      expect(listed.map((entry) => entry.id).sort()).toEqual([...ids].sort());
      expect(await sessions.list(bobs.accessToken)).toHaveLength(1);
      expect(sink).toHaveBeenCalledTimes(1);
      expect(sink.mock.calls[0]?.[0]).toEqual({
        revoked: [expect.objectContaining({ sessionId: expect.any(String) })],
      });
      const feed = await sessions.revocations(undefined);
      const bRevoked = feed.revoked.map((entry) => entry.sessionId);
      expect(bRevoked).toHaveLength(1);
      expect(sink.mock.calls[0]?.[0].revoked[0].sessionId).toBe(bRevoked[0]);
      expect(ids).not.toContain(bRevoked[0]);
    });

    it('ends nothing while the user is within the limit', async () => {
      const alice = await user('alice');
      const sink = jest.fn();
      broadcast.attach(sink);
      const started = [];
      for (let i = 0; i < 3; i++) started.push(await sessionTokens.start(alice, META));
      expect(await sessions.list(started[2]!.accessToken)).toHaveLength(3);
      expect(sink).not.toHaveBeenCalled();
      expect((await sessions.revocations(undefined)).revoked).toHaveLength(0);
    });
  });

  describe('with short lifetimes', () => {
    beforeEach(() => setUp({ REFRESH_TOKEN_IDLE_TTL: '1s', REFRESH_TOKEN_ABSOLUTE_TTL: '1s', ACCESS_TOKEN_TTL: '1h' }));

    it('caps the access token at the absolute expiry, and refuses a refresh after the idle expiry', async () => {
      const first = await sessionTokens.start(await user('alice'), META);
      expect(Date.parse(first.accessTokenExpiresAt)).toBeLessThanOrEqual(Date.now() + 1_000);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await expect(rpcErrorOf(sessionTokens.refresh(first.refreshToken, META))).resolves.toMatchObject({
        code: 'INVALID_REFRESH_TOKEN',
      });
    });
  });
});
