/**
 * Token sessions through the gateway: the login answer and its access token (EdDSA JWT) claim by claim,
 * the public JWKS checked the way a third-party service would, refresh-token rotation with its grace window
 * and theft detection, logout / logout-all / the session list, password change, isolation between users,
 * forged tokens of every kind, and no token or password where it does not belong (bodies, log files).
 */
import { readFileSync } from 'node:fs';
import { type KeyObject, randomBytes } from 'node:crypto';
import { expectError, expectNoSecretsIn, expectValidationError } from './support/contract';
import { HttpClient, type HttpResponse } from './support/http';
import {
  decodeJwt,
  foreignKeyPair,
  type JsonObject,
  resign,
  signEdDsa,
  verifiesWithJwk,
  withAlgNone,
  withHs256,
  withTamperedPayload,
  withTamperedSignature,
} from './support/jwt';
import { getFreePort } from './support/ports';
import { readSigningKeys } from './support/signing-keys';
import { type AppProcess, suiteLogFiles } from './support/processes';
import {
  expectLogin,
  expectMe,
  expectNoContent,
  expectRefreshed,
  expectSessionList,
  expectUnauthorized,
  is401,
  type IssuedTokens,
  login,
  type LoginResult,
  pollResponse,
  ROUTES,
  signUpAndLogin,
} from './support/session-client';
import { createGatewayProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const SUITE = 'sessions';
/** The reuse-after-grace test needs a short grace window, the session-limit test a low limit: a system of their own. */
const REUSE_SUITE = 'sessions-reuse';
const REUSE_GRACE_MS = 2_000;
const MAX_SESSIONS = 3;
/** How long a revocation may take to reach a gateway that did not end the session itself. */
const REVOCATION_DEADLINE_MS = 2_000;
const OTHER_AUDIENCE = 'urn:e2e:some-other-api';
const OTHER_ISSUER = 'urn:e2e:some-other-auth';
/** The defaults of ACCESS_TOKEN_TTL (15 min) and TOKEN_CLOCK_TOLERANCE (30 s): the longest lifetime a token may claim. */
const MAX_LIFETIME_SECONDS = 15 * 60 + 30;
/** Apps log at debug here, so the "no token in any log line" check covers as many lines as possible. */
const CHATTY = { LOG_LEVEL: 'debug' };

const PASSWORD = 'Session-Secret-Kettle-41';
const NEW_PASSWORD = 'Brand-New-Secret-Tulip-58';
const WRONG_PASSWORD = 'Not-The-Password-Otter-3';
const passwordsSent = new Set<string>([PASSWORD, NEW_PASSWORD, WRONG_PASSWORD]);

/** The refresh token of a 200 login/refresh answer, else undefined. */
function issuedRefreshToken(response: HttpResponse): string | undefined {
  const isTokenRoute = response.path === ROUTES.login || response.path === ROUTES.refresh;
  const body = response.body as { refreshToken?: unknown } | undefined;
  return isTokenRoute && response.status === 200 && typeof body?.refreshToken === 'string'
    ? body.refreshToken
    : undefined;
}

function issuedAccessToken(response: HttpResponse): string | undefined {
  const isTokenRoute = response.path === ROUTES.login || response.path === ROUTES.refresh;
  const body = response.body as { accessToken?: unknown } | undefined;
  return isTokenRoute && response.status === 200 && typeof body?.accessToken === 'string'
    ? body.accessToken
    : undefined;
}

describe('token sessions', () => {
  const suiteStartedAt = Date.now();
  let system: TestSystem | undefined;
  let reuseSystem: TestSystem | undefined;
  const extraGateways: AppProcess[] = [];
  let otherAudience: HttpClient | undefined;
  let otherIssuer: HttpClient | undefined;
  let longerTtl: HttpClient | undefined;

  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const reuse = (): TestSystem => {
    if (!reuseSystem) throw new Error('the reuse system did not start (see beforeAll)');
    return reuseSystem;
  };
  const http = (): HttpClient => sys().http;
  const clients = (): HttpClient[] =>
    [system?.http, reuseSystem?.http, otherAudience, otherIssuer, longerTtl].filter(
      (c): c is HttpClient => c !== undefined,
    );

  const me = (tokens: { accessToken: string }, client = http()) => client.me(tokens.accessToken);
  /** GET /auth/sessions as `who` (a login result or a token set). */
  const sessions = (who: { accessToken: string } | { tokens: { accessToken: string } }, client = http()) =>
    client.authed('GET', ROUTES.sessions, 'tokens' in who ? who.tokens.accessToken : who.accessToken);
  const expectAlive = async (result: LoginResult, tokens: IssuedTokens = result.tokens, client = http()) =>
    expectMe(await me(tokens, client), {
      id: result.user.id,
      username: result.user.username,
      sessionId: tokens.claims.sid,
    });

  beforeAll(async () => {
    const started = await Promise.allSettled([
      startSystem({ suite: SUITE, authEnv: CHATTY, gatewayEnv: CHATTY }),
      startSystem({
        suite: REUSE_SUITE,
        authEnv: {
          ...CHATTY,
          REFRESH_TOKEN_REUSE_GRACE: `${REUSE_GRACE_MS / 1000}s`,
          SESSIONS_MAX_PER_USER: String(MAX_SESSIONS),
        },
        gatewayEnv: CHATTY,
      }),
    ]);
    system = started[0].status === 'fulfilled' ? started[0].value : undefined;
    reuseSystem = started[1].status === 'fulfilled' ? started[1].value : undefined;
    for (const outcome of started) if (outcome.status === 'rejected') throw outcome.reason;

    // Two more gateways in front of the same auth service, expecting another audience / issuer.
    const main = sys();
    const extra = async (name: string, env: Record<string, string>): Promise<HttpClient> => {
      const port = await getFreePort(LOCALHOST);
      const gateway = createGatewayProcess({
        suite: SUITE,
        name,
        cwd: main.workDir,
        port,
        link: main.link,
        env,
      });
      extraGateways.push(gateway);
      await gateway.start();
      return new HttpClient(`http://${LOCALHOST}:${port}`);
    };
    [otherAudience, otherIssuer, longerTtl] = await Promise.all([
      extra('gateway-other-aud', { ...CHATTY, TOKEN_AUDIENCE: OTHER_AUDIENCE }),
      extra('gateway-other-iss', { ...CHATTY, TOKEN_ISSUER: OTHER_ISSUER }),
      // Configured apart from the auth service (1 h against its 15 min), to show the auth service checks on its own.
      extra('gateway-longer-ttl', { ...CHATTY, ACCESS_TOKEN_TTL: '1h' }),
    ]);
  });

  afterAll(async () => {
    const results = await Promise.allSettled([
      ...extraGateways.map((gateway) => gateway.stop()),
      system?.teardown(),
      reuseSystem?.teardown(),
    ]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });

  describe('login and the access token', () => {
    let alice: LoginResult | undefined;
    const aliceLogin = (): LoginResult => {
      if (!alice) throw new Error('alice did not log in (an earlier test failed)');
      return alice;
    };

    it('login → 200 {user, accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, tokenType}', async () => {
      // expectLogin checks the exact keys, the JWT header {alg: EdDSA, kid, typ: at+jwt}, every claim
      // (iss, aud, sub = user.id, sid, jti, iat, exp, username), exp - iat = 15 min and the expiry dates.
      alice = await signUpAndLogin(http(), 'tok_alice', PASSWORD, 'e2e-sessions/1.0');
      expect(alice.tokens.tokenType).toBe('Bearer');
      expect(alice.tokens.claims.sub).toBe(alice.user.id);
      expect(alice.tokens.claims.exp - alice.tokens.claims.iat).toBe(15 * 60);
      expect(Date.parse(alice.tokens.refreshTokenExpiresAt)).toBeGreaterThan(
        Date.parse(alice.tokens.accessTokenExpiresAt),
      );
    });

    it('each login is a new session: a new sid, jti, access and refresh token', async () => {
      const first = aliceLogin();
      const second = await login(http(), 'tok_alice', PASSWORD);
      // Any letter case of the name logs in to the same user (the stored spelling comes back).
      const third = expectLogin(await http().login({ username: 'TOK_Alice', password: PASSWORD }), 'tok_alice');
      const all = [first, second, third];
      expect(new Set(all.map((r) => r.tokens.claims.sid)).size).toBe(3);
      expect(new Set(all.map((r) => r.tokens.claims.jti)).size).toBe(3);
      expect(new Set(all.map((r) => r.tokens.accessToken)).size).toBe(3);
      expect(new Set(all.map((r) => r.tokens.refreshToken)).size).toBe(3);
      expect(new Set(all.map((r) => r.tokens.claims.sub))).toEqual(new Set([first.user.id]));
    });

    it('GET /auth/me → 200 {id, username, sessionId} of the token', async () => {
      const alice = aliceLogin();
      await expectAlive(alice);
      const other = await login(http(), 'tok_alice', PASSWORD);
      await expectAlive(other);
      expect(other.tokens.claims.sid).not.toBe(alice.tokens.claims.sid);
    });

    it('GET /auth/jwks (public) lists the kid of the token as an Ed25519 JWK that verifies its signature', async () => {
      const { tokens } = aliceLogin();
      const response = await http().get(ROUTES.jwks);
      expect(response.status).toBe(200);
      const body = response.body as { keys: JsonObject[] };
      expect(Object.keys(body)).toEqual(['keys']);
      expect(body.keys.length).toBeGreaterThanOrEqual(1);
      for (const key of body.keys) {
        expect(key).toEqual({
          kty: 'OKP',
          crv: 'Ed25519',
          x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          kid: expect.any(String),
          alg: 'EdDSA',
          use: 'sig',
        });
      }
      expect(new Set(body.keys.map((key) => key['kid'])).size).toBe(body.keys.length);
      const jwk = body.keys.find((key) => key['kid'] === tokens.header.kid);
      expect(jwk).toBeDefined();
      if (!jwk) return;
      // What another service does with our JWKS: node:crypto, the JWK, Ed25519.
      expect(verifiesWithJwk(tokens.accessToken, jwk)).toBe(true);
      // The check can fail: an altered token does not verify with the same key.
      expect(verifiesWithJwk(withTamperedSignature(tokens.accessToken), jwk)).toBe(false);
      expect(verifiesWithJwk(withTamperedPayload(tokens.accessToken, { username: 'mallory' }), jwk)).toBe(false);
    });

    describe('protected routes', () => {
      const someUuid = '0190a6c4-0000-7000-8000-000000000000';
      const protectedRoutes: Array<[string, 'GET' | 'POST' | 'DELETE', string, unknown]> = [
        ['GET /auth/me', 'GET', ROUTES.me, undefined],
        ['GET /auth/sessions', 'GET', ROUTES.sessions, undefined],
        ['DELETE /auth/sessions/:id', 'DELETE', ROUTES.session(someUuid), undefined],
        ['POST /auth/logout', 'POST', ROUTES.logout, {}],
        ['POST /auth/logout-all', 'POST', ROUTES.logoutAll, {}],
        ['POST /auth/password', 'POST', ROUTES.password, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }],
      ];

      it.each(protectedRoutes)(
        '%s without Authorization → 401 AUTHENTICATION_REQUIRED with WWW-Authenticate: Bearer',
        async (_name, method, path, json) => {
          const response = await http().request(method, path, json === undefined ? {} : { json });
          expectUnauthorized(response, 'AUTHENTICATION_REQUIRED');
        },
      );

      it.each(protectedRoutes)(
        '%s with a token that is not a JWT → 401 INVALID_TOKEN',
        async (_n, method, path, json) => {
          const response = await http().authed(method, path, 'not.a-jwt', json === undefined ? {} : { json });
          expectUnauthorized(response, 'INVALID_TOKEN');
        },
      );

      it('the public routes need no token: signup, login, refresh, jwks, health', async () => {
        expect((await http().get(ROUTES.jwks)).status).toBe(200);
        expect((await http().get('/api/health/live')).status).toBe(200);
        expectError(
          await http().login({ username: 'nobody_here', password: WRONG_PASSWORD }),
          401,
          'INVALID_CREDENTIALS',
        );
        expectError(await http().refresh(randomBytes(32).toString('base64url')), 401, 'INVALID_REFRESH_TOKEN');
        expectValidationError(await http().signup({ username: 'x', password: 'y' }), ['username', 'password']);
      });
    });

    describe('forged and foreign access tokens → 401 INVALID_TOKEN', () => {
      const foreign = foreignKeyPair();
      const forgeries: Array<[string, (token: string) => string]> = [
        ['a tampered signature', (token) => withTamperedSignature(token)],
        [
          'a changed claim (username, sub) under the original signature',
          (token) => withTamperedPayload(token, { username: 'mallory', sub: '0190a6c4-0000-7000-8000-00000000beef' }),
        ],
        [
          'a later exp under the original signature',
          (token) => withTamperedPayload(token, { exp: (decodeJwt(token).payload['exp'] as number) + 86_400 }),
        ],
        ['alg: none, no signature', (token) => withAlgNone(token)],
        [
          'alg: none, with the original signature kept',
          (token) => `${withAlgNone(token).slice(0, -1)}.${token.split('.')[2]}`,
        ],
        ['alg: HS256 keyed with the kid', (token) => withHs256(token, String(decodeJwt(token).header['kid']))],
        ['a foreign Ed25519 key with the real kid', (token) => resign(token, foreign.privateKey)],
        [
          'a foreign Ed25519 key with a plausible kid',
          (token) =>
            resign(token, foreign.privateKey, {
              header: { kid: plausibleKid(String(decodeJwt(token).header['kid'])) },
            }),
        ],
        [
          'a foreign Ed25519 key and no kid',
          (token) => {
            const { header, payload } = decodeJwt(token);
            delete header['kid'];
            return signEdDsa(header, payload, foreign.privateKey);
          },
        ],
        [
          'a foreign key, another user and a far expiry',
          (token) =>
            resign(token, foreign.privateKey, {
              payload: { sub: '0190a6c4-0000-7000-8000-00000000beef', username: 'admin', exp: 4_102_444_800 },
            }),
        ],
        ['the signature of another token', (token) => `${token.split('.').slice(0, 2).join('.')}.${otherSignature}`],
        ['two dots and nothing else', () => '..'],
        ['an empty payload segment', (token) => `${token.split('.')[0]}..${token.split('.')[2]}`],
      ];
      let otherSignature = '';

      beforeAll(async () => {
        const other = await login(http(), 'tok_alice', PASSWORD);
        otherSignature = other.tokens.accessToken.split('.')[2];
      });

      it('the forging helper signs correctly (the foreign JWK verifies a foreign-signed token)', () => {
        const forged = resign(aliceLogin().tokens.accessToken, foreign.privateKey);
        expect(verifiesWithJwk(forged, foreign.jwk)).toBe(true);
        expect(decodeJwt(forged).header).toEqual(aliceLogin().tokens.header);
      });

      it.each(forgeries)('%s: /auth/me and /auth/sessions → 401 INVALID_TOKEN', async (_name, forge) => {
        const genuine = aliceLogin().tokens.accessToken;
        const forged = forge(genuine);
        expect(forged).not.toBe(genuine);
        expectUnauthorized(await http().me(forged), 'INVALID_TOKEN');
        // A route the auth service answers: it verifies the token again, and must refuse it too.
        expectUnauthorized(await http().authed('GET', ROUTES.sessions, forged), 'INVALID_TOKEN');
        // The genuine token was not affected by any of it.
        await expectAlive(aliceLogin());
      });

      it('a token for another audience (gateway expecting TOKEN_AUDIENCE=other) → 401 INVALID_TOKEN', async () => {
        const alice = aliceLogin();
        if (!otherAudience) throw new Error('the other-audience gateway did not start');
        expectUnauthorized(await otherAudience.me(alice.tokens.accessToken), 'INVALID_TOKEN');
        expectUnauthorized(
          await otherAudience.authed('GET', ROUTES.sessions, alice.tokens.accessToken),
          'INVALID_TOKEN',
        );
        // Same auth service, same token, the expected audience: accepted.
        await expectAlive(alice);
      });

      it('a token from another issuer (gateway expecting TOKEN_ISSUER=other) → 401 INVALID_TOKEN', async () => {
        const alice = aliceLogin();
        if (!otherIssuer) throw new Error('the other-issuer gateway did not start');
        expectUnauthorized(await otherIssuer.me(alice.tokens.accessToken), 'INVALID_TOKEN');
        await expectAlive(alice);
      });

      describe('signed with the real key (read from the database) but with the wrong claims', () => {
        let realKey: KeyObject | undefined;
        const signReal = (changes: { header?: JsonObject; payload?: JsonObject; drop?: string[] }): string => {
          if (!realKey) throw new Error('the signing key was not read');
          const { header, payload } = decodeJwt(aliceLogin().tokens.accessToken);
          const claims: JsonObject = { ...payload, ...changes.payload };
          for (const name of changes.drop ?? []) delete claims[name];
          return signEdDsa({ ...header, ...changes.header }, claims, realKey);
        };
        const now = () => Math.floor(Date.now() / 1000);

        beforeAll(async () => {
          const kid = aliceLogin().tokens.header.kid;
          realKey = (await readSigningKeys(sys().database)).find((key) => key.kid === kid)?.privateKey;
        });

        it('control: the same claims signed again with that key are accepted', async () => {
          const token = signReal({});
          expect(verifiesWithJwk(token, foreignKeyPair().jwk)).toBe(false);
          expectMe(await http().me(token), {
            id: aliceLogin().user.id,
            username: 'tok_alice',
            sessionId: aliceLogin().tokens.claims.sid,
          });
        });

        it.each<[string, { header?: JsonObject; payload?: JsonObject; drop?: string[] }, string]>([
          ['typ: JWT', { header: { typ: 'JWT' } }, 'INVALID_TOKEN'],
          ['no typ', { header: { typ: undefined } }, 'INVALID_TOKEN'],
          ['another aud', { payload: { aud: OTHER_AUDIENCE } }, 'INVALID_TOKEN'],
          ['another iss', { payload: { iss: OTHER_ISSUER } }, 'INVALID_TOKEN'],
          ['no sid', { drop: ['sid'] }, 'INVALID_TOKEN'],
          ['no jti', { drop: ['jti'] }, 'INVALID_TOKEN'],
          ['no exp', { drop: ['exp'] }, 'INVALID_TOKEN'],
          ['iat 5 minutes in the future', { payload: { iat: 0 } }, 'INVALID_TOKEN'],
          ['exp 2 minutes ago (beyond the 30 s tolerance)', { payload: { exp: -120 } }, 'TOKEN_EXPIRED'],
        ])('%s → 401', async (_label, changes, code) => {
          const payload = { ...changes.payload };
          if (payload['iat'] === 0) payload['iat'] = now() + 300;
          if (payload['exp'] === -120) Object.assign(payload, { iat: now() - 1_000, exp: now() - 120 });
          expectUnauthorized(await http().me(signReal({ ...changes, payload })), code);
        });

        const DAY = 86_400;
        it.each<[string, (t: number) => JsonObject, string[]]>([
          ['no iat', () => ({}), ['iat']],
          ['no iat, and exp a year ahead', (t) => ({ exp: t + 365 * DAY }), ['iat']],
          [
            'exp - iat = ACCESS_TOKEN_TTL + tolerance + 1 s',
            (t) => ({ iat: t, exp: t + MAX_LIFETIME_SECONDS + 1 }),
            [],
          ],
          ['exp - iat = a year, from now', (t) => ({ iat: t, exp: t + 365 * DAY }), []],
          ['exp - iat = a year, iat a year ago, exp in a minute', (t) => ({ iat: t - 365 * DAY, exp: t + 60 }), []],
        ])('a lifetime beyond the policy: %s → 401 INVALID_TOKEN', async (_label, claims, drop) => {
          expectUnauthorized(await http().me(signReal({ payload: claims(now()), drop })), 'INVALID_TOKEN');
        });

        it('exp 5 s ago is still inside the default 30 s clock tolerance → 200', async () => {
          const token = signReal({ payload: { iat: now() - 900, exp: now() - 5 } });
          expect((await http().me(token)).status).toBe(200);
        });

        it('exp - iat = exactly ACCESS_TOKEN_TTL + tolerance → 200', async () => {
          const iat = now() - 10;
          expect((await http().me(signReal({ payload: { iat, exp: iat + MAX_LIFETIME_SECONDS } }))).status).toBe(200);
        });

        it('the auth service checks the lifetime too: a 30 min token passes a gateway set to 1 h, not the auth service', async () => {
          if (!longerTtl) throw new Error('the gateway with ACCESS_TOKEN_TTL=1h did not start');
          const iat = now() - 10;
          const token = signReal({ payload: { iat, exp: iat + 30 * 60 } });
          expect((await longerTtl.me(token)).status).toBe(200);
          expectUnauthorized(await longerTtl.authed('GET', ROUTES.sessions, token), 'INVALID_TOKEN');
          expectUnauthorized(await http().me(token), 'INVALID_TOKEN');
          // A genuine token is fine on both.
          expect((await longerTtl.authed('GET', ROUTES.sessions, aliceLogin().tokens.accessToken)).status).toBe(200);
        });
      });

      it('a foreign-signed token with typ JWT or another aud/iss is refused all the same', async () => {
        const genuine = aliceLogin().tokens.accessToken;
        for (const header of [{ typ: 'JWT' }, { typ: 'at+jwt' }]) {
          for (const payload of [{ aud: OTHER_AUDIENCE }, { iss: OTHER_ISSUER }, {}]) {
            const forged = resign(genuine, foreign.privateKey, { header, payload });
            expectUnauthorized(await http().me(forged), 'INVALID_TOKEN');
          }
        }
      });
    });
  });

  describe('refresh', () => {
    let bob: LoginResult | undefined;
    const bobLogin = (): LoginResult => {
      if (!bob) throw new Error('bob did not log in (an earlier test failed)');
      return bob;
    };

    beforeAll(async () => {
      bob = await signUpAndLogin(http(), 'tok_bob', PASSWORD);
    });

    it('POST /auth/refresh → 200 new tokens for the same session (exact keys, no user)', async () => {
      const { user, tokens } = bobLogin();
      const response = await http().refresh(tokens.refreshToken);
      const refreshed = expectRefreshed(response, {
        userId: user.id,
        username: user.username,
        sessionId: tokens.claims.sid,
      });
      expect(refreshed.accessToken).not.toBe(tokens.accessToken);
      expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
      expect(refreshed.claims.jti).not.toBe(tokens.claims.jti);
      await expectAlive(bobLogin(), refreshed);
      bob = { user, tokens: refreshed };
    });

    it('a chain of refreshes keeps the session; each answer hands out a fresh refresh token', async () => {
      let current = bobLogin().tokens;
      const seen = new Set([current.refreshToken]);
      for (let i = 0; i < 3; i += 1) {
        current = expectRefreshed(await http().refresh(current.refreshToken), {
          sessionId: bobLogin().tokens.claims.sid,
        });
        expect(seen.has(current.refreshToken)).toBe(false);
        seen.add(current.refreshToken);
      }
      await expectAlive(bobLogin(), current);
      bob = { user: bobLogin().user, tokens: current };
    });

    it('an unknown refresh token → 401 INVALID_REFRESH_TOKEN; an access token is no refresh token', async () => {
      expectError(await http().refresh(randomBytes(32).toString('base64url')), 401, 'INVALID_REFRESH_TOKEN');
      expectError(await http().refresh(bobLogin().tokens.accessToken), 401, 'INVALID_REFRESH_TOKEN');
      // A real token with one character changed.
      const token = bobLogin().tokens.refreshToken;
      const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      expectError(await http().refresh(altered), 401, 'INVALID_REFRESH_TOKEN');
      await expectAlive(bobLogin());
    });

    it('a malformed refresh body → 400 VALIDATION_FAILED', async () => {
      expectValidationError(await http().post(ROUTES.refresh, {}), ['refreshToken']);
      expectValidationError(await http().post(ROUTES.refresh, { refreshToken: 42 }), ['refreshToken']);
      expectValidationError(await http().post(ROUTES.refresh, { refreshToken: '' }), ['refreshToken']);
      expectValidationError(await http().post(ROUTES.refresh, { refreshToken: 'x'.repeat(4_097) }), ['refreshToken']);
    });

    it('a used refresh token again within the grace window (10 s) → 200 with the same successor, and the session is not revoked', async () => {
      const start = await login(http(), 'tok_bob', PASSWORD);
      const first = expectRefreshed(await http().refresh(start.tokens.refreshToken), {
        sessionId: start.tokens.claims.sid,
      });
      const again = expectRefreshed(await http().refresh(start.tokens.refreshToken), {
        sessionId: start.tokens.claims.sid,
      });
      // One chain: the replay gets the successor the first use got (and an access token of its own).
      expect(again.refreshToken).toBe(first.refreshToken);
      expect(again.claims.jti).not.toBe(first.claims.jti);
      await expectAlive(start, first);
      await expectAlive(start, again);
      const listed = expectSessionList(await sessions(again));
      expect(listed.map((session) => session.id)).toContain(start.tokens.claims.sid);
      // The newest refresh token still works too.
      expectRefreshed(await http().refresh(again.refreshToken), { sessionId: start.tokens.claims.sid });
    });

    it('10 parallel refreshes with one token → all 200 for the same session with one successor, and it survives', async () => {
      const start = await login(http(), 'tok_bob', PASSWORD);
      const responses = await Promise.all(Array.from({ length: 10 }, () => http().refresh(start.tokens.refreshToken)));
      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
      const refreshed = responses.map((response) => expectRefreshed(response, { sessionId: start.tokens.claims.sid }));
      expect(new Set(refreshed.map((tokens) => tokens.refreshToken)).size).toBe(1);
      for (const tokens of refreshed) await expectAlive(start, tokens);
      const listed = expectSessionList(await sessions(refreshed[9]));
      expect(listed.map((session) => session.id)).toContain(start.tokens.claims.sid);
      await expectAlive(start);
    });
  });

  describe(`refresh-token reuse after the grace window (REFRESH_TOKEN_REUSE_GRACE=${REUSE_GRACE_MS / 1000}s)`, () => {
    it('→ 401 REFRESH_TOKEN_REUSED; the session is revoked: its access tokens within 2 s, its newest refresh token', async () => {
      const client = reuse().http;
      const victim = await signUpAndLogin(client, 'tok_victim', PASSWORD);
      const bystander = await login(client, 'tok_victim', PASSWORD);
      const sid = victim.tokens.claims.sid;
      const next = expectRefreshed(await client.refresh(victim.tokens.refreshToken), { sessionId: sid });
      await expectAlive(victim, next, client);

      await sleep(REUSE_GRACE_MS + 700);
      const reused = await client.refresh(victim.tokens.refreshToken);
      expectError(reused, 401, 'REFRESH_TOKEN_REUSED');

      const { elapsedMs } = await pollResponse(() => me(next, client), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        description: 'the newest access token of the stolen session refused',
      });
      expect(elapsedMs).toBeLessThan(REVOCATION_DEADLINE_MS);
      expectUnauthorized(await me(next, client), 'SESSION_REVOKED');
      expectUnauthorized(await me(victim.tokens, client), 'SESSION_REVOKED');
      expectError(await client.refresh(next.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      // Only that session ends: the same user's other session lives on.
      await expectAlive(bystander, bystander.tokens, client);
      const listed = expectSessionList(await sessions(bystander, client));
      expect(listed.map((session) => session.id)).toEqual([bystander.tokens.claims.sid]);
    });

    it('a reuse within the grace window on the same system is still fine (the window is not zero)', async () => {
      const client = reuse().http;
      const start = await login(client, 'tok_victim', PASSWORD);
      const first = expectRefreshed(await client.refresh(start.tokens.refreshToken), {
        sessionId: start.tokens.claims.sid,
      });
      const again = expectRefreshed(await client.refresh(start.tokens.refreshToken), {
        sessionId: start.tokens.claims.sid,
      });
      await expectAlive(start, first, client);
      await expectAlive(start, again, client);
    });
  });

  describe(`the per-user session limit (SESSIONS_MAX_PER_USER=${MAX_SESSIONS})`, () => {
    it('a login beyond it ends the least recently used session: refused everywhere within 2 s, gone from the list', async () => {
      const client = reuse().http;
      const first = await signUpAndLogin(client, 'tok_limited', PASSWORD);
      const second = await login(client, 'tok_limited', PASSWORD);
      const third = await login(client, 'tok_limited', PASSWORD);
      await sleep(20);
      // The first session is used again (a refresh), so the second is now the least recently used.
      const firstNext = expectRefreshed(await client.refresh(first.tokens.refreshToken), {
        sessionId: first.tokens.claims.sid,
      });
      await expectAlive(second, second.tokens, client);

      const fourth = await login(client, 'tok_limited', PASSWORD);

      const { elapsedMs } = await pollResponse(() => me(second.tokens, client), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        description: 'the evicted session’s access token refused',
      });
      expect(elapsedMs).toBeLessThan(REVOCATION_DEADLINE_MS);
      expectError(await client.refresh(second.tokens.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      const listed = expectSessionList(await sessions(fourth, client));
      expect(listed.map((session) => session.id).sort()).toEqual(
        [first, third, fourth].map((result) => result.tokens.claims.sid).sort(),
      );
      await expectAlive(first, firstNext, client);
      await expectAlive(third, third.tokens, client);
      await expectAlive(fourth, fourth.tokens, client);
    });
  });

  describe('the session list, ending sessions, logout and logout-all', () => {
    const UA_PHONE = 'e2e-phone/2.1 (sessions suite)';
    const UA_LAPTOP = 'e2e-laptop/7.3 (sessions suite)';
    let phone: LoginResult | undefined;
    let laptop: LoginResult | undefined;
    const both = (): [LoginResult, LoginResult] => {
      if (!phone || !laptop) throw new Error('carol did not log in twice (an earlier test failed)');
      return [phone, laptop];
    };

    beforeAll(async () => {
      phone = await signUpAndLogin(http(), 'tok_carol', PASSWORD, UA_PHONE);
      laptop = await login(http(), 'tok_carol', PASSWORD, UA_LAPTOP);
    });

    it('GET /auth/sessions → each session with {id, createdAt, lastUsedAt, ip, userAgent, current}', async () => {
      const [p, l] = both();
      const fromPhone = expectSessionList(await sessions(p));
      expect(fromPhone.map((s) => s.id).sort()).toEqual([p.tokens.claims.sid, l.tokens.claims.sid].sort());
      const byId = new Map(fromPhone.map((s) => [s.id, s]));
      expect(byId.get(p.tokens.claims.sid)).toMatchObject({ ip: '127.0.0.1', userAgent: UA_PHONE, current: true });
      expect(byId.get(l.tokens.claims.sid)).toMatchObject({ ip: '127.0.0.1', userAgent: UA_LAPTOP, current: false });
      for (const session of fromPhone) {
        expect(Math.abs(Date.parse(session.createdAt) - Date.now())).toBeLessThan(60_000);
      }
      // `current` follows the token that asks.
      const fromLaptop = expectSessionList(await sessions(l));
      expect(fromLaptop.filter((s) => s.current).map((s) => s.id)).toEqual([l.tokens.claims.sid]);
    });

    it('a refresh moves lastUsedAt of its session, not createdAt', async () => {
      const [p, l] = both();
      const before = new Map(expectSessionList(await sessions(p)).map((s) => [s.id, s]));
      await sleep(1_100);
      const refreshedAt = Date.now();
      const refreshed = expectRefreshed(await http().refresh(l.tokens.refreshToken), {
        sessionId: l.tokens.claims.sid,
      });
      laptop = { user: l.user, tokens: refreshed };
      const after = new Map(expectSessionList(await sessions(p)).map((s) => [s.id, s]));
      const was = before.get(l.tokens.claims.sid);
      const now = after.get(l.tokens.claims.sid);
      expect(now?.createdAt).toBe(was?.createdAt);
      expect(Date.parse(now?.lastUsedAt ?? '')).toBeGreaterThan(Date.parse(was?.lastUsedAt ?? ''));
      expect(Date.parse(now?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(refreshedAt - 1_000);
      expect(after.get(p.tokens.claims.sid)?.lastUsedAt).toBe(before.get(p.tokens.claims.sid)?.lastUsedAt);
    });

    it('DELETE /auth/sessions/:id → 204; that session is over (access and refresh), the caller’s is not', async () => {
      const [p, l] = both();
      expectNoContent(await http().authed('DELETE', ROUTES.session(l.tokens.claims.sid), p.tokens.accessToken));
      // The gateway that ended it refuses its tokens at once.
      expectUnauthorized(await me(l.tokens), 'SESSION_REVOKED');
      expectError(await http().refresh(l.tokens.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      await expectAlive(p);
      expect(expectSessionList(await sessions(p)).map((s) => s.id)).toEqual([p.tokens.claims.sid]);
      // Ending it again: it is no longer an active session.
      expectError(
        await http().authed('DELETE', ROUTES.session(l.tokens.claims.sid), p.tokens.accessToken),
        404,
        'SESSION_NOT_FOUND',
      );
    });

    it.each([
      ['an unknown UUID', '0190a6c4-0000-7000-8000-0000000000ff', ['SESSION_NOT_FOUND']],
      ['a malformed id', 'not-a-uuid', ['SESSION_NOT_FOUND', 'NOT_FOUND']],
      ['a number', '1', ['SESSION_NOT_FOUND', 'NOT_FOUND']],
      ['SQL', "1' OR '1'='1", ['SESSION_NOT_FOUND', 'NOT_FOUND']],
    ])('DELETE /auth/sessions/<%s> → 404', async (_label, id, codes) => {
      const [p] = both();
      expectError(await http().authed('DELETE', ROUTES.session(id), p.tokens.accessToken), 404, codes);
      await expectAlive(p);
    });

    it('POST /auth/logout → 204 ends the current session only', async () => {
      const [p] = both();
      const other = await login(http(), 'tok_carol', PASSWORD, UA_LAPTOP);
      expectNoContent(await http().authed('POST', ROUTES.logout, other.tokens.accessToken));
      expectUnauthorized(await me(other.tokens), 'SESSION_REVOKED');
      expectError(await http().refresh(other.tokens.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      expectUnauthorized(await http().authed('POST', ROUTES.logout, other.tokens.accessToken), 'SESSION_REVOKED');
      await expectAlive(p);
      expect(expectSessionList(await sessions(p)).map((s) => s.id)).toEqual([p.tokens.claims.sid]);
    });

    it('POST /auth/logout-all → 204 ends every session of the user, and no one else’s', async () => {
      const [p] = both();
      const second = await login(http(), 'tok_carol', PASSWORD);
      const third = await login(http(), 'tok_carol', PASSWORD);
      const thirdNext = expectRefreshed(await http().refresh(third.tokens.refreshToken), {
        sessionId: third.tokens.claims.sid,
      });
      const stranger = await signUpAndLogin(http(), 'tok_dave', PASSWORD);

      expectNoContent(await http().authed('POST', ROUTES.logoutAll, second.tokens.accessToken));
      for (const tokens of [p.tokens, second.tokens, third.tokens, thirdNext]) {
        expectUnauthorized(await me(tokens), 'SESSION_REVOKED');
      }
      for (const tokens of [p.tokens, second.tokens, thirdNext]) {
        expectError(await http().refresh(tokens.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
      }
      await expectAlive(stranger);
      // A new login starts from a clean list.
      const fresh = await login(http(), 'tok_carol', PASSWORD);
      expect(expectSessionList(await sessions(fresh)).map((s) => s.id)).toEqual([fresh.tokens.claims.sid]);
    });
  });

  describe('one user never sees nor ends another user’s sessions', () => {
    it('the list shows only your own; DELETE of another’s id → 404 SESSION_NOT_FOUND and it still works', async () => {
      const erin = await signUpAndLogin(http(), 'tok_erin', PASSWORD);
      const erin2 = await login(http(), 'tok_erin', PASSWORD);
      const frank = await signUpAndLogin(http(), 'tok_frank', PASSWORD);

      const franksView = expectSessionList(await sessions(frank));
      expect(franksView.map((s) => s.id)).toEqual([frank.tokens.claims.sid]);
      const erinsView = expectSessionList(await sessions(erin));
      expect(erinsView.map((s) => s.id).sort()).toEqual([erin.tokens.claims.sid, erin2.tokens.claims.sid].sort());

      for (const victim of [erin, erin2]) {
        expectError(
          await http().authed('DELETE', ROUTES.session(victim.tokens.claims.sid), frank.tokens.accessToken),
          404,
          'SESSION_NOT_FOUND',
        );
      }
      // The refusal is the same as for an id that does not exist at all: nothing to learn from it.
      const unknown = await http().authed(
        'DELETE',
        ROUTES.session('0190a6c4-0000-7000-8000-0000000000aa'),
        frank.tokens.accessToken,
      );
      const foreign = await http().authed('DELETE', ROUTES.session(erin.tokens.claims.sid), frank.tokens.accessToken);
      expect(foreign.text).toBe(unknown.text);

      await expectAlive(erin);
      await expectAlive(erin2);
      expectRefreshed(await http().refresh(erin2.tokens.refreshToken), { sessionId: erin2.tokens.claims.sid });
      // Frank ending all of his sessions ends none of Erin's.
      expectNoContent(await http().authed('POST', ROUTES.logoutAll, frank.tokens.accessToken));
      await expectAlive(erin);
      expect(expectSessionList(await sessions(erin)).map((s) => s.id)).toHaveLength(2);
    });
  });

  describe('POST /auth/password', () => {
    const USER = 'tok_grace';
    let current: LoginResult | undefined;
    let other: LoginResult | undefined;
    const both = (): [LoginResult, LoginResult] => {
      if (!current || !other) throw new Error('grace did not log in twice (an earlier test failed)');
      return [current, other];
    };
    const change = (tokens: { accessToken: string }, body: unknown) =>
      http().authed('POST', ROUTES.password, tokens.accessToken, { json: body });

    beforeAll(async () => {
      current = await signUpAndLogin(http(), USER, PASSWORD);
      other = await login(http(), USER, PASSWORD);
    });

    it('a wrong current password → 403 CURRENT_PASSWORD_INCORRECT, and nothing changes', async () => {
      const [c, o] = both();
      expectError(
        await change(c.tokens, { currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD }),
        403,
        'CURRENT_PASSWORD_INCORRECT',
      );
      await expectAlive(c);
      await expectAlive(o);
      expectError(await http().login({ username: USER, password: NEW_PASSWORD }), 401, 'INVALID_CREDENTIALS');
      await login(http(), USER, PASSWORD);
    });

    it.each([
      ['too short', 'Short1!'],
      ['too long', `A-${'x'.repeat(130)}`],
      ['a common password', 'password'],
      ['another common password', '12345678'],
    ])('a new password that is %s → 400 VALIDATION_FAILED naming newPassword', async (_label, newPassword) => {
      // (Not added to passwordsSent: words like "password" appear in validation messages and log lines.)
      const [c, o] = both();
      expectValidationError(await change(c.tokens, { currentPassword: PASSWORD, newPassword }), ['newPassword']);
      await expectAlive(o);
      // (A password over 128 characters is refused by the login's own validation.)
      const attempt = await http().login({ username: USER, password: newPassword });
      if (newPassword.length <= 128) expectError(attempt, 401, 'INVALID_CREDENTIALS');
      else expectValidationError(attempt, ['password']);
    });

    it('a missing field → 400 VALIDATION_FAILED', async () => {
      const [c] = both();
      expectValidationError(await change(c.tokens, { newPassword: NEW_PASSWORD }), ['currentPassword']);
      expectValidationError(await change(c.tokens, { currentPassword: PASSWORD }), ['newPassword']);
    });

    it('→ 204: the other sessions end, this one keeps working, only the new password logs in', async () => {
      const [c, o] = both();
      const otherNext = expectRefreshed(await http().refresh(o.tokens.refreshToken), {
        sessionId: o.tokens.claims.sid,
      });
      expectNoContent(await change(c.tokens, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }));

      expectUnauthorized(await me(o.tokens), 'SESSION_REVOKED');
      expectUnauthorized(await me(otherNext), 'SESSION_REVOKED');
      expectError(await http().refresh(otherNext.refreshToken), 401, 'INVALID_REFRESH_TOKEN');

      await expectAlive(c);
      const cNext = expectRefreshed(await http().refresh(c.tokens.refreshToken), { sessionId: c.tokens.claims.sid });
      await expectAlive(c, cNext);
      expect(expectSessionList(await sessions(cNext)).map((s) => s.id)).toEqual([c.tokens.claims.sid]);

      expectError(await http().login({ username: USER, password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
      const again = await login(http(), USER, NEW_PASSWORD);
      await expectAlive(again);
    });
  });

  describe('no secret where it does not belong', () => {
    it('no response body carries a password, nor a refresh token outside the login/refresh answers', () => {
      const history = clients().flatMap((client) => client.history);
      expect(history.length).toBeGreaterThan(100);
      const refreshTokens = history.map(issuedRefreshToken).filter((t): t is string => t !== undefined);
      expect(refreshTokens.length).toBeGreaterThan(20);
      expectNoSecretsIn(history, passwordsSent);
      expectNoSecretsIn(
        history.filter((response) => issuedRefreshToken(response) === undefined),
        refreshTokens,
      );
    });

    it('no log line of any process of this suite carries a token or a password', async () => {
      const history = clients().flatMap((client) => client.history);
      const secrets = [...history.map(issuedRefreshToken), ...history.map(issuedAccessToken)].filter(
        (t): t is string => t !== undefined,
      );
      // Stop everything first, so every line has been written.
      await Promise.all([
        ...extraGateways.map((gateway) => gateway.stop()),
        system?.teardown(),
        reuseSystem?.teardown(),
      ]);
      const files = suiteLogFiles(SUITE, suiteStartedAt - 1_000);
      expect(files.filter((file) => /-auth-\d+\.log$/.test(file)).length).toBeGreaterThanOrEqual(2);
      const leaks: string[] = [];
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (const secret of [...secrets, ...passwordsSent]) {
          if (text.includes(secret)) leaks.push(`${file}: ${secret.slice(0, 12)}…`);
        }
      }
      expect(leaks).toEqual([]);
    });
  });
});

/** A kid of the same length and alphabet as `kid`, but not it. */
function plausibleKid(kid: string): string {
  const alphabet = /^[0-9a-f-]+$/i.test(kid)
    ? '0123456789abcdef'
    : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let candidate = kid;
  while (candidate === kid) {
    candidate = [...kid].map((char) => (char === '-' ? '-' : alphabet[randomBytes(1)[0] % alphabet.length])).join('');
  }
  return candidate;
}
