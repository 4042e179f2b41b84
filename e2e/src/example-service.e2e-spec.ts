/**
 * A resource service protected only by `@nestjs-microservices/nest-auth` (apps/example-service), in front of the real
 * auth service and gateway: gateway tokens work there, forged, expired and other-audience ones are refused with the
 * gateway's codes and challenge, notes stay with their owner, a logout at the gateway is refused there within 2 s
 * through the gateway's revocation feed (whose credential is checked), and with the gateway and the auth service
 * stopped, valid tokens still verify with the cached keys while revoked ones stay refused.
 */
import { randomBytes } from 'node:crypto';
import { HttpClient, type HttpResponse, withBearer } from './support/http';
import { decodeJwt, foreignKeyPair, resign, withTamperedSignature } from './support/jwt';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { is401, type LoginResult, login, pollResponse, signUpAndLogin } from './support/session-client';
import { readSigningKeys } from './support/signing-keys';
import { createExampleProcess, createGatewayProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';

const SUITE = 'example-service';
const FEED_TOKEN = randomBytes(32).toString('base64url');
const PASSWORD = 'Example-Notes-Secret-Heron-27';
const REVOCATION_DEADLINE_MS = 2_000;

describe('example service (apps/example-service) and the revocation feed', () => {
  let system: TestSystem;
  let example: AppProcess;
  let notes: HttpClient;

  beforeAll(async () => {
    system = await startSystem({ suite: SUITE, gatewayEnv: { REVOCATION_FEED_TOKEN: FEED_TOKEN } });
    const port = await getFreePort(LOCALHOST);
    example = createExampleProcess({
      suite: SUITE,
      cwd: system.workDir,
      port,
      gatewayUrl: system.baseUrl,
      feedToken: FEED_TOKEN,
    });
    try {
      await example.start();
    } catch (error) {
      await system.teardown();
      throw error;
    }
    notes = new HttpClient(`http://${LOCALHOST}:${port}`);
  }, 60_000);

  afterAll(async () => {
    await example?.stop();
    await system?.teardown();
  });

  const listNotes = (accessToken: string) => notes.request('GET', '/api/notes', withBearer(accessToken, {}));
  const addNote = (accessToken: string, text: string) =>
    notes.request('POST', '/api/notes', withBearer(accessToken, { json: { text } }));
  const textsOf = (response: HttpResponse) => (response.body as Array<{ text: string }>).map((note) => note.text);
  const feed = (headers: Record<string, string>, since?: string) =>
    system.http.request('GET', `/api/auth/revocations${since === undefined ? '' : `?since=${since}`}`, { headers });
  const feedAuth = { authorization: `Bearer ${FEED_TOKEN}` };

  describe("GET /api/auth/revocations (the gateway's feed)", () => {
    it("answers 401 without the service token or with a wrong one (a user's access token is not it)", async () => {
      const user = await signUpAndLogin(system.http, 'feed_reader', PASSWORD);
      for (const [headers, code] of [
        [{}, 'AUTHENTICATION_REQUIRED'],
        [{ authorization: `Bearer ${FEED_TOKEN.slice(1)}x` }, 'INVALID_TOKEN'],
        [{ authorization: `Bearer ${user.tokens.accessToken}` }, 'INVALID_TOKEN'],
        [{ authorization: `Basic ${Buffer.from(`x:${FEED_TOKEN}`).toString('base64')}` }, 'AUTHENTICATION_REQUIRED'],
      ] as const) {
        const response = await feed(headers);
        expect({ status: response.status, code: (response.body as { code?: string }).code }).toEqual({
          status: 401,
          code,
        });
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it('lists a session logged out since the cursor, and only what came after it', async () => {
      const first = await feed(feedAuth);
      expect(first.status).toBe(200);
      const { cursor } = first.body as { cursor: string; sessionIds: string[] };
      expect(typeof cursor).toBe('string');
      const user = await signUpAndLogin(system.http, 'feed_subject', PASSWORD);
      expect(
        (await system.http.request('POST', '/api/auth/logout', withBearer(user.tokens.accessToken, {}))).status,
      ).toBe(204);

      const next = await feed(feedAuth, encodeURIComponent(cursor));
      expect(next.status).toBe(200);
      const answer = next.body as { cursor: string; sessionIds: string[] };
      expect(answer.sessionIds).toEqual([user.tokens.claims.sid]);
      expect((await feed(feedAuth, encodeURIComponent(answer.cursor))).body).toEqual({
        cursor: answer.cursor,
        sessionIds: [],
      });
      // A cursor this gateway never gave (another instance's, garbage): the whole list again.
      expect((await feed(feedAuth, 'not-a-cursor')).body).toMatchObject({
        sessionIds: expect.arrayContaining([user.tokens.claims.sid]),
      });
    });

    it('does not exist (404) on a gateway without REVOCATION_FEED_TOKEN', async () => {
      const port = await getFreePort(LOCALHOST);
      const gateway = createGatewayProcess({
        suite: SUITE,
        name: 'gateway-no-feed',
        cwd: system.workDir,
        port,
        link: system.link,
      });
      await gateway.start();
      try {
        const response = await new HttpClient(`http://${LOCALHOST}:${port}`).request('GET', '/api/auth/revocations', {
          headers: feedAuth,
        });
        expect(response.status).toBe(404);
      } finally {
        await gateway.stop();
      }
    }, 30_000);
  });

  describe('tokens at the example service', () => {
    let alice: LoginResult;

    beforeAll(async () => {
      alice = await signUpAndLogin(system.http, 'notes_alice', PASSWORD);
    });

    it('accepts a gateway token: the caller adds and lists notes', async () => {
      const added = await addNote(alice.tokens.accessToken, 'buy milk');
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ text: 'buy milk', id: expect.any(String) });

      const listed = await listNotes(alice.tokens.accessToken);
      expect(listed.status).toBe(200);
      expect(textsOf(listed)).toEqual(['buy milk']);
    });

    it("marks a user's notes as not to be stored by any cache", async () => {
      const listed = await listNotes(alice.tokens.accessToken);
      expect([listed.status, listed.headers.get('cache-control')]).toEqual([200, 'no-store']);
    });

    it("a user never sees another user's notes", async () => {
      const bob = await signUpAndLogin(system.http, 'notes_bob', PASSWORD);
      expect(textsOf(await listNotes(bob.tokens.accessToken))).toEqual([]);
      expect((await addNote(bob.tokens.accessToken, 'bob only')).status).toBe(201);

      expect(textsOf(await listNotes(alice.tokens.accessToken))).not.toContain('bob only');
      expect(textsOf(await listNotes(bob.tokens.accessToken))).toEqual(['bob only']);
    });

    it("refuses no token, forged, expired and other-audience tokens with the gateway's codes and challenge", async () => {
      const [realKey] = await readSigningKeys(system.database);
      if (!realKey) throw new Error('no signing key in the database');
      const now = Math.floor(Date.now() / 1_000);
      const cases: Array<[string, string | undefined, string]> = [
        ['no token', undefined, 'AUTHENTICATION_REQUIRED'],
        ['a tampered signature', withTamperedSignature(alice.tokens.accessToken), 'INVALID_TOKEN'],
        ['a foreign key', resign(alice.tokens.accessToken, foreignKeyPair().privateKey), 'INVALID_TOKEN'],
        [
          'expired (signed with the real key)',
          resign(alice.tokens.accessToken, realKey.privateKey, { payload: { iat: now - 1_000, exp: now - 120 } }),
          'TOKEN_EXPIRED',
        ],
        [
          'another audience (signed with the real key)',
          resign(alice.tokens.accessToken, realKey.privateKey, { payload: { aud: 'urn:e2e:some-other-api' } }),
          'INVALID_TOKEN',
        ],
      ];
      for (const [label, token, code] of cases) {
        const options = token === undefined ? {} : withBearer(token, {});
        const atExample = await notes.request('GET', '/api/notes', options);
        const atGateway = await system.http.request('GET', '/api/auth/me', options);
        expect({ label, status: atExample.status, body: atExample.body }).toEqual({
          label,
          status: 401,
          body: { statusCode: 401, code, message: (atGateway.body as { message: string }).message },
        });
        expect(atExample.headers.get('www-authenticate')).toBe(atGateway.headers.get('www-authenticate'));
        expect(atGateway.status).toBe(401);
      }
      expect(decodeJwt(alice.tokens.accessToken).header['kid']).toBe(realKey.kid);
    });

    it('refuses a session logged out at the gateway within 2 s', async () => {
      const session = await login(system.http, 'notes_alice', PASSWORD);
      expect((await listNotes(session.tokens.accessToken)).status).toBe(200);

      expect(
        (await system.http.request('POST', '/api/auth/logout', withBearer(session.tokens.accessToken, {}))).status,
      ).toBe(204);
      const { elapsedMs } = await pollResponse(() => listNotes(session.tokens.accessToken), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        intervalMs: 50,
        description: 'SESSION_REVOKED at the example service after a logout at the gateway',
      });
      expect(elapsedMs).toBeLessThanOrEqual(REVOCATION_DEADLINE_MS);
    });

    it('reports itself healthy (keys loaded, feed fresh) at GET /api/health', async () => {
      const response = await notes.request('GET', '/api/health');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok', info: { 'token-auth': { status: 'up' } } });
    });

    // Last: stops the gateway and the auth service.
    it('with the gateway and the auth service stopped: valid tokens verify with the cached keys, revoked stay refused', async () => {
      const unseen = await login(system.http, 'notes_alice', PASSWORD); // never shown to the example service yet
      const revoked = await login(system.http, 'notes_alice', PASSWORD);
      expect(
        (await system.http.request('POST', '/api/auth/logout', withBearer(revoked.tokens.accessToken, {}))).status,
      ).toBe(204);
      await pollResponse(() => listNotes(revoked.tokens.accessToken), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        intervalMs: 50,
        description: 'the logout reached the example service',
      });

      await system.gateway.stop();
      await system.auth.stop();

      const listed = await listNotes(unseen.tokens.accessToken);
      expect(listed.status).toBe(200);
      expect(textsOf(listed)).toEqual(['buy milk']);
      expect(await listNotes(revoked.tokens.accessToken)).toMatchObject({
        status: 401,
        body: { code: 'SESSION_REVOKED' },
      });
      // A few polls of the feed later (it is unreachable now), the list is still there.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await listNotes(revoked.tokens.accessToken)).toMatchObject({
        status: 401,
        body: { code: 'SESSION_REVOKED' },
      });
      expect((await listNotes(unseen.tokens.accessToken)).status).toBe(200);

      // The feed unreachable for five intervals (5 s): the health indicator says so; tokens are still judged.
      const { response } = await pollResponse(
        () => notes.request('GET', '/api/health'),
        (answer) => answer.status === 503,
        { timeoutMs: 8_000, intervalMs: 250, description: 'the health indicator down with the feed unreachable' },
      );
      expect(response.body).toMatchObject({
        status: 'error',
        error: { 'token-auth': { status: 'down', signingKeys: 1, revocationFeed: { stale: true } } },
      });
      expect(await listNotes(revoked.tokens.accessToken)).toMatchObject({
        status: 401,
        body: { code: 'SESSION_REVOKED' },
      });
    }, 30_000);
  });
});
