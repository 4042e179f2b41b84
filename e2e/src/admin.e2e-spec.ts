/**
 * Administration over real processes: the first administrator made with `users:grant` (and refused for an unknown
 * user), every /api/admin route's answer and refusals (403 FORBIDDEN for non-admins, 401 REAUTHENTICATION_REQUIRED
 * for an old login, LAST_ADMIN, its own rate limit), a disabled account refused at login and refresh and its tokens
 * refused by a second gateway and by the example service within 2 s, roles carried in tokens from the next refresh,
 * two admins demoting each other at once, and the stored audit trail: a row per action, with the acting admin,
 * and no secret in any row.
 */
import { randomBytes } from 'node:crypto';
import { readAuditRows } from './support/audit-store';
import { HttpClient, type HttpResponse, withBearer } from './support/http';
import { decodeJwt } from './support/jwt';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { is401, type LoginResult, login, pollResponse, signUpAndLogin } from './support/session-client';
import {
  createExampleProcess,
  createGatewayProcess,
  LOCALHOST,
  runAuthCommand,
  startSystem,
  type TestSystem,
} from './support/system';
import { sleep } from './support/util';

const SUITE = 'admin';
const FEED_TOKEN = randomBytes(32).toString('base64url');
const PASSWORD = 'Admin-Suite-Secret-Otter-84';
const REAUTH_SECONDS = 10;
const REVOCATION_DEADLINE_MS = 2_000;

interface AdminUser {
  id: string;
  username: string;
  status: 'active' | 'disabled';
  disabledAt: string | null;
  roles: string[];
  lastLoginAt: string | null;
  createdAt: string;
}

describe('administration (/api/admin, users:grant, audit trail)', () => {
  let system: TestSystem;
  let gateway2: AppProcess;
  let example: AppProcess;
  let second: HttpClient;
  let notes: HttpClient;
  /** Every password and token the suite saw: none may reach an audit row. */
  const secrets = new Set<string>([PASSWORD]);

  beforeAll(async () => {
    system = await startSystem({
      suite: SUITE,
      authEnv: { ADMIN_REAUTH_MAX_AGE: `${REAUTH_SECONDS}s` },
      gatewayEnv: { REVOCATION_FEED_TOKEN: FEED_TOKEN },
    });
    try {
      const gatewayPort = await getFreePort(LOCALHOST);
      gateway2 = createGatewayProcess({
        suite: SUITE,
        name: 'gateway-2',
        cwd: system.workDir,
        port: gatewayPort,
        link: system.link,
      });
      await gateway2.start();
      second = new HttpClient(`http://${LOCALHOST}:${gatewayPort}`);
      const examplePort = await getFreePort(LOCALHOST);
      example = createExampleProcess({
        suite: SUITE,
        cwd: system.workDir,
        port: examplePort,
        gatewayUrl: system.baseUrl,
        feedToken: FEED_TOKEN,
      });
      await example.start();
      notes = new HttpClient(`http://${LOCALHOST}:${examplePort}`);
    } catch (error) {
      await gateway2?.stop();
      await system.teardown();
      throw error;
    }
  }, 90_000);

  afterAll(async () => {
    await example?.stop();
    await gateway2?.stop();
    await system?.teardown();
  });

  const remember = (result: LoginResult): LoginResult => {
    secrets.add(result.tokens.accessToken);
    secrets.add(result.tokens.refreshToken);
    return result;
  };
  const signUp = async (username: string) => remember(await signUpAndLogin(system.http, username, PASSWORD));
  const logIn = async (username: string) => remember(await login(system.http, username, PASSWORD));
  const grant = (...args: string[]) => runAuthCommand(system, ['users:grant', ...args]);
  const revoke = (...args: string[]) => runAuthCommand(system, ['users:revoke', ...args]);
  const as = (token: string) => ({
    get: (path: string) => system.http.request('GET', `/api/admin${path}`, withBearer(token, {})),
    post: (path: string, json?: unknown) =>
      system.http.request('POST', `/api/admin${path}`, withBearer(token, json === undefined ? {} : { json })),
    delete: (path: string) => system.http.request('DELETE', `/api/admin${path}`, withBearer(token, {})),
  });
  const expectStatus = (response: HttpResponse, status: number, code?: string) => {
    expect({ status: response.status, code: (response.body as { code?: string } | undefined)?.code }).toEqual({
      status,
      code,
    });
  };

  let root: LoginResult;
  const rootApi = () => as(root.tokens.accessToken);

  describe('the first administrator, from the command line', () => {
    it('refuses an unknown user and a bad role name with a clear message and exit code 1', async () => {
      const unknown = await grant('nobody_here', 'admin');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('No user named "nobody_here"');
      expect(unknown.stderr).not.toMatch(/\n\s+at /);
      const badRole = await grant('nobody_here', 'Admin!');
      expect(badRole.code).toBe(1);
      expect(badRole.stderr).toContain('Not a role name');
      const usage = await grant('only_a_name');
      expect(usage.code).toBe(1);
      expect(usage.stderr).toContain('Usage: main.js users:grant');
    }, 60_000);

    it('grants admin; the next login carries it in the roles claim, with auth_time', async () => {
      const before = await signUp('root_admin');
      expect(before.tokens.claims.roles).toEqual([]);
      expectStatus(await as(before.tokens.accessToken).get('/users'), 403, 'FORBIDDEN');

      const granted = await grant('ROOT_admin', 'admin');
      expect(granted.code).toBe(0);
      expect(granted.stdout).toContain('Granted admin to "ROOT_admin"');
      expect((await grant('root_admin', 'admin')).stdout).toContain('already had: admin');

      // Until the next refresh the old token keeps its (empty) roles.
      expectStatus(await as(before.tokens.accessToken).get('/users'), 403, 'FORBIDDEN');
      const refreshed = await system.http.refresh(before.tokens.refreshToken);
      expect(refreshed.status).toBe(200);
      const claims = decodeJwt((refreshed.body as { accessToken: string }).accessToken).payload;
      expect(claims['roles']).toEqual(['admin']);
      expect(claims['auth_time']).toBe(before.tokens.claims.auth_time);

      root = await logIn('root_admin');
      expect(root.tokens.claims.roles).toEqual(['admin']);
      expect(Math.abs(root.tokens.claims.auth_time - root.tokens.claims.iat)).toBeLessThanOrEqual(1);
    }, 60_000);
  });

  describe('GET /api/admin/users', () => {
    // A fresh password login for each test: ADMIN_REAUTH_MAX_AGE is only 10 s in this suite.
    beforeEach(async () => {
      root = await logIn('root_admin');
    });

    beforeAll(async () => {
      for (const name of ['zed_b', 'Zed_a', 'zed_c', 'zeta_x', 'other_z']) {
        expect((await system.http.signup({ username: name, password: PASSWORD })).status).toBe(201);
      }
      root = await logIn('root_admin');
    }, 30_000);

    it('finds by username prefix in any letter case, in a stable order, page by page', async () => {
      const first = await rootApi().get('/users?query=ZED_&limit=2');
      expect(first.status).toBe(200);
      const page1 = first.body as { users: AdminUser[]; nextCursor: string | null };
      expect(page1.users.map((user) => user.username)).toEqual(['Zed_a', 'zed_b']);
      expect(page1.nextCursor).toEqual(expect.any(String));
      const page2 = (await rootApi().get(`/users?query=zed_&limit=2&cursor=${page1.nextCursor}`)).body as {
        users: AdminUser[];
        nextCursor: string | null;
      };
      expect(page2).toEqual({ users: [expect.objectContaining({ username: 'zed_c' })], nextCursor: null });
      expect(page1.users[0]).toEqual({
        id: expect.any(String),
        username: 'Zed_a',
        createdAt: expect.any(String),
        status: 'active',
        disabledAt: null,
        roles: [],
        lastLoginAt: null,
      });
      const everyone = (await rootApi().get('/users?limit=100')).body as { users: AdminUser[] };
      expect(everyone.users.find((user) => user.username === 'root_admin')).toMatchObject({ roles: ['admin'] });
      expect(JSON.stringify(everyone)).not.toMatch(/hash|argon/i);
    });

    it('answers 400 for a cursor it never gave and bad parameters, 403 for a non-admin', async () => {
      expectStatus(await rootApi().get('/users?cursor=%24%24%24'), 400, 'VALIDATION_FAILED');
      expectStatus(await rootApi().get('/users?limit=1000'), 400, 'VALIDATION_FAILED');
      const plain = await logIn('zeta_x');
      expectStatus(await as(plain.tokens.accessToken).get('/users'), 403, 'FORBIDDEN');
      expectStatus(await system.http.request('GET', '/api/admin/users'), 401, 'AUTHENTICATION_REQUIRED');
    });
  });

  describe('one account: detail, disable and enable', () => {
    let target: LoginResult;

    // A fresh password login for each test: ADMIN_REAUTH_MAX_AGE is only 10 s in this suite.
    beforeEach(async () => {
      root = await logIn('root_admin');
    });

    beforeAll(async () => {
      target = await signUp('target_user');
      // A failed login to show among its recent failures.
      expect((await system.http.login({ username: 'target_user', password: 'Wrong-Password-Walrus-11' })).status).toBe(
        401,
      );
      target = await logIn('target_user');
      root = await logIn('root_admin');
    }, 30_000);

    it('shows roles, active sessions, last login and recent failures', async () => {
      const response = await rootApi().get(`/users/${target.user.id}`);
      expect(response.status).toBe(200);
      const detail = response.body as AdminUser & {
        sessions: Array<{ id: string }>;
        recentFailures: Array<{ type: string; userId: string }>;
      };
      expect(detail).toMatchObject({ id: target.user.id, username: 'target_user', status: 'active', roles: [] });
      expect(detail.lastLoginAt).toEqual(expect.any(String));
      expect(detail.sessions.map((session) => session.id)).toContain(target.tokens.claims.sid);
      expect(detail.recentFailures).toEqual([
        expect.objectContaining({ type: 'login.failed', userId: target.user.id }),
      ]);
      expectStatus(await rootApi().get('/users/0190a000-0000-7000-8000-00000000dead'), 404, 'USER_NOT_FOUND');
      expectStatus(await rootApi().get('/users/not-a-uuid'), 404, 'USER_NOT_FOUND');
    });

    it('disable: login and refresh answer 403 ACCOUNT_DISABLED; its tokens are refused everywhere within 2 s', async () => {
      const token = target.tokens.accessToken;
      expect((await second.me(token)).status).toBe(200);
      expect((await notes.request('GET', '/api/notes', withBearer(token, {}))).status).toBe(200);

      const disabled = await rootApi().post(`/users/${target.user.id}/disable`);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
      expect(JSON.stringify(disabled.body)).not.toContain('revoked');

      await Promise.all([
        pollResponse(() => second.me(token), is401('SESSION_REVOKED'), {
          timeoutMs: REVOCATION_DEADLINE_MS,
          intervalMs: 50,
          description: 'the second gateway refuses the disabled user',
        }),
        pollResponse(() => notes.request('GET', '/api/notes', withBearer(token, {})), is401('SESSION_REVOKED'), {
          timeoutMs: REVOCATION_DEADLINE_MS,
          intervalMs: 50,
          description: 'the example service refuses the disabled user',
        }),
      ]);
      expect(await system.http.me(token)).toMatchObject({ status: 401 });
      expectStatus(await system.http.login({ username: 'target_user', password: PASSWORD }), 403, 'ACCOUNT_DISABLED');
      expectStatus(await system.http.refresh(target.tokens.refreshToken), 403, 'ACCOUNT_DISABLED');
      // A wrong password still says only that the credentials are wrong.
      expectStatus(
        await system.http.login({ username: 'target_user', password: 'Wrong-Password-Walrus-11' }),
        401,
        'INVALID_CREDENTIALS',
      );
      expect(((await rootApi().get('/users?status=disabled')).body as { users: AdminUser[] }).users).toEqual([
        expect.objectContaining({ id: target.user.id }),
      ]);
    }, 30_000);

    it('enable: the user logs in again', async () => {
      const enabled = await rootApi().post(`/users/${target.user.id}/enable`);
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({ status: 'active', disabledAt: null });
      target = await logIn('target_user');
    });

    it('ends one session, then all of them; an unknown session is 404', async () => {
      const other = await logIn('target_user');
      expect((await rootApi().delete(`/users/${target.user.id}/sessions/${target.tokens.claims.sid}`)).status).toBe(
        204,
      );
      expect(await system.http.me(target.tokens.accessToken)).toMatchObject({ status: 401 });
      expect((await system.http.me(other.tokens.accessToken)).status).toBe(200);
      expectStatus(
        await rootApi().delete(`/users/${target.user.id}/sessions/${target.tokens.claims.sid}`),
        404,
        'SESSION_NOT_FOUND',
      );
      expect((await rootApi().delete(`/users/${target.user.id}/sessions`)).status).toBe(204);
      expect(await system.http.me(other.tokens.accessToken)).toMatchObject({ status: 401 });
      expectStatus(await system.http.refresh(other.tokens.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    });
  });

  describe('roles', () => {
    // A fresh password login for each test: ADMIN_REAUTH_MAX_AGE is only 10 s in this suite.
    beforeEach(async () => {
      root = await logIn('root_admin');
    });

    it('a granted role is in the token from the next refresh; a bad change is 400', async () => {
      const editor = await signUp('role_editor');
      const changed = await rootApi().post(`/users/${editor.user.id}/roles`, { add: ['editor', 'notes:reader'] });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ roles: ['editor', 'notes:reader'] });
      const refreshed = await system.http.refresh(editor.tokens.refreshToken);
      const roles = decodeJwt((refreshed.body as { accessToken: string }).accessToken).payload['roles'];
      expect(roles).toEqual(['editor', 'notes:reader']);
      // Other roles than admin change nothing else: the session goes on.
      expect((await system.http.me(editor.tokens.accessToken)).status).toBe(200);

      expectStatus(await rootApi().post(`/users/${editor.user.id}/roles`, {}), 400, 'VALIDATION_FAILED');
      expectStatus(
        await rootApi().post(`/users/${editor.user.id}/roles`, { add: ['x'], remove: ['x'] }),
        400,
        'VALIDATION_FAILED',
      );
      expectStatus(
        await rootApi().post(`/users/${editor.user.id}/roles`, { add: ['NOT OK'] }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('taking admin away ends that admin’s sessions at once', async () => {
      const deputy = await signUp('deputy_admin');
      expect((await rootApi().post(`/users/${deputy.user.id}/roles`, { add: ['admin'] })).status).toBe(200);
      const fresh = await logIn('deputy_admin');
      expect((await as(fresh.tokens.accessToken).get('/users')).status).toBe(200);
      const demoted = await rootApi().post(`/users/${deputy.user.id}/roles`, { remove: ['admin'] });
      expect(demoted.status).toBe(200);
      expect(demoted.body).toMatchObject({ roles: [] });
      expect(await system.http.me(fresh.tokens.accessToken)).toMatchObject({ status: 401 });
      await pollResponse(() => second.me(fresh.tokens.accessToken), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        intervalMs: 50,
        description: 'the second gateway refuses the demoted admin',
      });
    });
  });

  describe('the last administrator', () => {
    it('cannot disable, demote or delete themselves when no other admin is left (LAST_ADMIN)', async () => {
      root = await logIn('root_admin');
      const self = root.user.id;
      expectStatus(await rootApi().post(`/users/${self}/disable`), 409, 'LAST_ADMIN');
      expectStatus(await rootApi().post(`/users/${self}/roles`, { remove: ['admin'] }), 409, 'LAST_ADMIN');
      expectStatus(await rootApi().delete(`/users/${self}`), 409, 'LAST_ADMIN');
      expect((await system.http.me(root.tokens.accessToken)).status).toBe(200);
      const refused = await revoke('root_admin', 'admin');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('last active administrator');
    }, 30_000);

    it('two admins demoting each other at once leave exactly one of them admin', async () => {
      const peer = await signUp('peer_admin');
      expect((await grant('peer_admin', 'admin')).code).toBe(0);
      const peerLogin = await logIn('peer_admin');
      root = await logIn('root_admin');
      for (let round = 0; round < 3; round += 1) {
        const [a, b] = await Promise.all([
          rootApi().post(`/users/${peer.user.id}/roles`, { remove: ['admin'] }),
          as(peerLogin.tokens.accessToken).post(`/users/${root.user.id}/roles`, { remove: ['admin'] }),
        ]);
        const statuses = [a.status, b.status].sort();
        // One demotes the other. The other is refused: LAST_ADMIN when it got as far as the check, or, having just
        // lost the role and its sessions, 401 SESSION_REVOKED or 403 FORBIDDEN, depending on when it was authorised.
        expect(statuses[0]).toBe(200);
        expect([401, 403, 409]).toContain(statuses[1]);
        const admins = (
          (await (a.status === 200 ? rootApi() : as(peerLogin.tokens.accessToken)).get('/users?limit=100')).body as {
            users: AdminUser[];
          }
        ).users.filter((user) => user.roles.includes('admin'));
        expect(admins).toHaveLength(1);
        if (a.status !== 200) {
          // The peer won: give root admin back and let the peer be the one to lose it next round.
          expect((await grant('root_admin', 'admin')).code).toBe(0);
          expect((await revoke('peer_admin', 'admin')).code).toBe(0);
        } else {
          expect((await grant('peer_admin', 'admin')).code).toBe(0);
        }
        root = await logIn('root_admin');
        Object.assign(peerLogin, await logIn('peer_admin'));
      }
    }, 60_000);

    it('disabling the other admin is allowed while one remains', async () => {
      expect((await grant('peer_admin', 'admin')).code).toBe(0);
      // Logged in after the command, which can take seconds on a loaded machine: ADMIN_REAUTH_MAX_AGE is short here.
      root = await logIn('root_admin');
      const peer = await logIn('peer_admin');
      expect((await rootApi().post(`/users/${peer.user.id}/disable`)).status).toBe(200);
      expect((await rootApi().post(`/users/${peer.user.id}/enable`)).status).toBe(200);
    }, 30_000);
  });

  describe('DELETE /api/admin/users/:id', () => {
    // A fresh password login for each test: ADMIN_REAUTH_MAX_AGE is only 10 s in this suite.
    beforeEach(async () => {
      root = await logIn('root_admin');
    });

    it('ends the sessions, frees the name, and the account is gone', async () => {
      root = await logIn('root_admin');
      const doomed = await signUp('doomed_user');
      expect((await rootApi().delete(`/users/${doomed.user.id}`)).status).toBe(204);
      expect(await system.http.me(doomed.tokens.accessToken)).toMatchObject({ status: 401 });
      expectStatus(await rootApi().get(`/users/${doomed.user.id}`), 404, 'USER_NOT_FOUND');
      expectStatus(await rootApi().delete(`/users/${doomed.user.id}`), 404, 'USER_NOT_FOUND');
      expectStatus(
        await system.http.login({ username: 'doomed_user', password: PASSWORD }),
        401,
        'INVALID_CREDENTIALS',
      );
      await pollResponse(() => second.me(doomed.tokens.accessToken), is401('SESSION_REVOKED'), {
        timeoutMs: REVOCATION_DEADLINE_MS,
        intervalMs: 50,
        description: 'the second gateway refuses the deleted user',
      });
      // As after a user's own deletion, the name stays held (DELETED_USERNAME_HOLD), so nobody can pose as them.
      expect((await system.http.signup({ username: 'doomed_user', password: PASSWORD })).status).toBe(409);
    });
  });

  describe('step-up: ADMIN_REAUTH_MAX_AGE', () => {
    it('an access token refreshed past it is refused with 401 REAUTHENTICATION_REQUIRED; a new login works', async () => {
      const old = await logIn('root_admin');
      await sleep((REAUTH_SECONDS + 1) * 1_000);
      const refreshed = await system.http.refresh(old.tokens.refreshToken);
      expect(refreshed.status).toBe(200);
      const token = (refreshed.body as { accessToken: string; refreshToken: string }).accessToken;
      secrets.add(token);
      secrets.add((refreshed.body as { refreshToken: string }).refreshToken);
      const response = await as(token).get('/users');
      expectStatus(response, 401, 'REAUTHENTICATION_REQUIRED');
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_user_authentication"');
      // Routes for everyone are not affected.
      expect((await system.http.me(token)).status).toBe(200);
      root = await logIn('root_admin');
      expect((await rootApi().get('/users')).status).toBe(200);
    }, 30_000);
  });

  describe('the audit trail', () => {
    // A fresh password login for each test: ADMIN_REAUTH_MAX_AGE is only 10 s in this suite.
    beforeEach(async () => {
      root = await logIn('root_admin');
    });

    it('stores each admin action with the acting admin, and GET /api/admin/audit reads it', async () => {
      root = await logIn('root_admin');
      const rows = await readAuditRows(system.database);
      const types = new Set(rows.map((row) => row.type));
      for (const type of [
        'signup.succeeded',
        'login.succeeded',
        'login.failed',
        'login.refused_disabled',
        'session.started',
        'session.ended',
        'roles.changed',
        'admin.account_disabled',
        'admin.account_enabled',
        'admin.account_deleted',
        'admin.sessions_ended',
      ]) {
        expect(types).toContain(type);
      }
      for (const row of rows.filter((entry) => entry.type.startsWith('admin.'))) {
        expect(row.actor_id).toBe(root.user.id);
        expect(row.user_id).toEqual(expect.any(String));
      }
      const viaCli = rows.filter((row) => row.type === 'roles.changed' && row.actor_id === null);
      expect(viaCli.length).toBeGreaterThan(0);
      expect(JSON.parse(viaCli[0]?.details ?? '{}')).toMatchObject({ via: 'cli', rolesAdded: ['admin'] });

      const target = ((await rootApi().get('/users?query=target_user')).body as { users: AdminUser[] }).users[0];
      const page = await rootApi().get(`/audit?userId=${target?.id}&type=admin.account_disabled`);
      expect(page.status).toBe(200);
      expect((page.body as { events: unknown[] }).events).toEqual([
        expect.objectContaining({
          type: 'admin.account_disabled',
          userId: target?.id,
          actorId: root.user.id,
          details: { sessionsEnded: expect.any(Number) },
        }),
      ]);
      const first = (await rootApi().get('/audit?limit=3')).body as {
        events: Array<{ id: string; occurredAt: string }>;
        nextCursor: string;
      };
      expect(first.events).toHaveLength(3);
      const next = (await rootApi().get(`/audit?limit=3&cursor=${first.nextCursor}`)).body as {
        events: Array<{ id: string }>;
      };
      expect(next.events[0]?.id < (first.events[2]?.id ?? '')).toBe(true);
      const since = (
        await rootApi().get(`/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
      ).body as { events: unknown[] };
      expect(since.events).toEqual([]);
      expectStatus(await rootApi().get('/audit?type=Not-A-Type'), 400, 'VALIDATION_FAILED');
    });

    it('holds no password, hash or token in any row', async () => {
      const dump = JSON.stringify(await readAuditRows(system.database));
      for (const secret of secrets) expect(dump).not.toContain(secret);
      expect(dump).not.toMatch(/\$argon2|password_hash|Bearer/);
    });
  });

  describe('the admin rate limit', () => {
    it('has a budget of its own, per client', async () => {
      const port = await getFreePort(LOCALHOST);
      const limited = createGatewayProcess({
        suite: SUITE,
        name: 'gateway-limited',
        cwd: system.workDir,
        port,
        link: system.link,
        env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ADMIN_LIMIT: '3', RATE_LIMIT_ADMIN_TTL_MS: '60000' },
      });
      await limited.start();
      try {
        const http = new HttpClient(`http://${LOCALHOST}:${port}`);
        root = await logIn('root_admin');
        const answers = [];
        for (let i = 0; i < 4; i += 1) {
          answers.push((await http.request('GET', '/api/admin/users', withBearer(root.tokens.accessToken, {}))).status);
        }
        expect(answers).toEqual([200, 200, 200, 429]);
        // Other routes keep their own budgets.
        expect((await http.me(root.tokens.accessToken)).status).toBe(200);
      } finally {
        await limited.stop();
      }
    }, 30_000);
  });
});
