import type { RequestMeta } from '@nestjs-microservices/shared';
import type { Kysely } from 'kysely';
import { rpcErrorOf } from '../common/rpc-failure.spec-helpers';
import type { Database } from '../database/database.types';
import type { RevocationBroadcast } from './revocation-broadcast';
import type { SessionTokens } from './session-tokens.service';
import type { SessionsService } from './sessions.service';
import { insertUser, sessionStackInMemory } from './sessions.spec-helpers';

const META: RequestMeta = { requestId: 'spec', clientIp: '192.0.2.7', userAgent: 'jest' };

describe('SessionsService (real keys, tokens and repository on SQLite in memory)', () => {
  let db: Kysely<Database>;
  let sessions: SessionsService;
  let sessionTokens: SessionTokens;
  let broadcast: RevocationBroadcast;

  async function setUp(): Promise<void> {
    ({ db, sessions, sessionTokens, broadcast } = await sessionStackInMemory());
  }

  const user = (username: string) => insertUser(db, username);

  afterEach(() => db.destroy());

  describe('with the default settings', () => {
    beforeEach(() => setUp());

    it('never lets one user list or end the sessions of another', async () => {
      const alice = await sessionTokens.start(await user('alice'), META);
      const bob = await sessionTokens.start(await user('bob'), META);
      const bobSid = (await sessions.authenticate(bob.accessToken)).sessionId;

      const listed = await sessions.list(alice.accessToken);
      expect(listed.map((session) => session.id)).not.toContain(bobSid);
      await expect(rpcErrorOf(sessions.endOne(alice.accessToken, bobSid, META))).resolves.toMatchObject({
        status: 404,
        code: 'SESSION_NOT_FOUND',
      });
      await expect(sessions.authenticate(bob.accessToken)).resolves.toMatchObject({ username: 'bob' });
    });

    it('lists active sessions with the current one marked, and logout-all ends them all', async () => {
      const alice = await user('alice');
      const a = await sessionTokens.start(alice, META);
      const b = await sessionTokens.start(alice, { requestId: 'x' });
      const listed = await sessions.list(a.accessToken);
      expect(listed).toEqual([
        expect.objectContaining({ ip: null, userAgent: null, current: false }),
        expect.objectContaining({ ip: '192.0.2.7', userAgent: 'jest', current: true }),
      ]);
      const ended = await sessions.logoutAll(b.accessToken, META);
      expect(ended.revoked.map((entry) => entry.sessionId).sort()).toEqual(listed.map((entry) => entry.id).sort());
      await expect(rpcErrorOf(sessions.list(a.accessToken))).resolves.toMatchObject({ code: 'SESSION_REVOKED' });
    });

    it('broadcasts what a logout ended, exactly as it answers it (once attached to a transport that can)', async () => {
      const alice = await user('alice');
      const a = await sessionTokens.start(alice, META);
      expect((await sessions.logout(a.accessToken, META)).revoked).toHaveLength(1);

      const sink = jest.fn();
      broadcast.attach(sink);
      const b = await sessionTokens.start(alice, META);
      const ended = await sessions.logout(b.accessToken, META);

      expect(sink).toHaveBeenCalledTimes(1);
      expect(sink).toHaveBeenCalledWith(ended);
      expect(ended.revoked).toHaveLength(1);
    });

    it('feeds revocations: everything within the horizon without `since`, only newer ones with it', async () => {
      const alice = await user('alice');
      const a = await sessionTokens.start(alice, META);
      const b = await sessionTokens.start(alice, META);
      const before = await sessions.revocations(undefined);
      expect(before.revoked).toEqual([]);

      const ended = await sessions.logout(a.accessToken, META);
      const all = await sessions.revocations(undefined);
      expect(all.revoked).toEqual(ended.revoked);
      expect(Date.parse(all.revoked[0]?.until ?? '')).toBeGreaterThan(Date.now() + 15 * 60_000);
      await expect(sessions.revocations(new Date(all.serverTime))).resolves.toMatchObject({ revoked: [] });

      // `since` is exclusive: revoke b at a later millisecond than `serverTime` (gateways overlap their polls instead).
      await new Promise((resolve) => setTimeout(resolve, 2));
      await sessions.logout(b.accessToken, META);
      const newer = await sessions.revocations(new Date(all.serverTime));
      expect(newer.revoked.map((entry) => entry.sessionId)).toEqual([
        (await db.selectFrom('sessions').select('id').where('revoked_reason', '=', 'logout').execute())
          .map((row) => row.id)
          .find((id) => id !== ended.revoked[0]?.sessionId),
      ]);
    });
  });
});
