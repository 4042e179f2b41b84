import { Logger } from '@nestjs/common';
import type { RequestMeta } from '@nestjs-microservices/shared';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { uuidv7 } from 'uuidv7';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditLog } from '../audit/audit-log.service';
import { rpcErrorOf } from '../common/rpc-failure.spec-helpers';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { UnitOfWork } from '../database/unit-of-work';
import { RolesRepository } from '../roles/roles.repository';
import { createSessionStack } from '../sessions/sessions.spec-helpers';
import type { SessionTokens } from '../sessions/session-tokens.service';
import type { SessionsService } from '../sessions/sessions.service';
import { changeRoles, CommandError, parseRoleArgs } from '../commands/grant-roles.command';
import { AdminUsersRepository } from './admin-users.repository';
import { createMailStack } from '../recovery/account-mail.spec-helpers';
import { UsersRepository } from '../users/users.repository';
import { AdminService } from './admin.service';

const META: RequestMeta = { requestId: 'spec-1', clientIp: '192.0.2.20' };

describe('AdminService (real session stack on SQLite in memory)', () => {
  let db: Kysely<Database>;
  let admin: AdminService;
  let sessions: SessionsService;
  let sessionTokens: SessionTokens;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
    const config = new AuthConfig(authEnvSchema.parse({ ADMIN_REAUTH_MAX_AGE: '10m' }));
    const registry = new Registry();
    const events = new AuditEventsRepository(db);
    const audit = new AuditLog(registry, events);
    const stack = await createSessionStack(db, config, registry, audit);
    sessions = stack.sessions;
    sessionTokens = stack.sessionTokens;
    admin = new AdminService(
      new AdminUsersRepository(db, 'sqlite'),
      new RolesRepository(db, 'sqlite'),
      sessions,
      stack.repository,
      events,
      audit,
      new UnitOfWork(db),
      config,
      new UsersRepository(db),
      createMailStack(db, config, registry).mail,
    );
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await db.destroy();
  });

  async function user(username: string, roles: string[] = []) {
    const id = uuidv7();
    const now = new Date().toISOString();
    await db
      .insertInto('users')
      .values({
        id,
        username,
        username_normalized: username.toLowerCase(),
        password_hash: 'x',
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (const role of roles)
      await db.insertInto('user_roles').values({ user_id: id, role, granted_at: now }).execute();
    return { id, username };
  }

  const loginOf = async (account: { id: string; username: string }, at = new Date()) =>
    (await sessionTokens.start(account, META, at)).accessToken;

  it('authorises only an admin (in the database) with a recent password login', async () => {
    const root = await user('root', ['admin']);
    const plain = await user('plain');
    await expect(rpcErrorOf(admin.authorize(await loginOf(plain)))).resolves.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.authorize(await loginOf(root))).resolves.toMatchObject({ userId: root.id });

    // A session whose password login is older than ADMIN_REAUTH_MAX_AGE (its tokens keep that auth_time).
    const old = await sessionTokens.start(root, META);
    const { sessionId } = await sessions.authenticate(old.accessToken);
    const longAgo = new Date(Date.now() - 11 * 60_000).toISOString();
    await db.updateTable('sessions').set({ created_at: longAgo }).where('id', '=', sessionId).execute();
    const refreshed = await sessionTokens.refresh(old.refreshToken, META);
    await expect(rpcErrorOf(admin.authorize(refreshed.accessToken))).resolves.toMatchObject({
      status: 401,
      code: 'REAUTHENTICATION_REQUIRED',
    });
  });

  it('starts a password reset by mail to a verified address, and never to an account without one', async () => {
    const root = await user('root', ['admin']);
    const token = await loginOf(root);
    const target = await user('target');
    await expect(rpcErrorOf(admin.passwordReset(token, target.id, META))).resolves.toMatchObject({
      status: 409,
      code: 'NO_EMAIL_ON_ACCOUNT',
    });
    await expect(rpcErrorOf(admin.passwordReset(token, uuidv7(), META))).resolves.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
    const now = new Date().toISOString();
    await db
      .updateTable('users')
      .set({ email: 'target@example.com', email_key: 'target@example.com', email_verified_at: now })
      .where('id', '=', target.id)
      .execute();
    await expect(admin.passwordReset(token, target.id, META)).resolves.toEqual({ message: expect.any(String) });
    const mails = await db.selectFrom('mail_outbox').select(['kind', 'recipient']).execute();
    expect(mails).toEqual([{ kind: 'password-reset', recipient: 'target@example.com' }]);
    const tokens = await db.selectFrom('account_tokens').select(['user_id', 'purpose']).execute();
    expect(tokens).toEqual([{ user_id: target.id, purpose: 'password_reset' }]);
    const audit = await db
      .selectFrom('audit_events')
      .select(['type', 'actor_id'])
      .where('user_id', '=', target.id)
      .execute();
    expect(audit).toEqual([{ type: 'admin.password_reset_sent', actor_id: root.id }]);
  });

  it('refuses to disable, demote or delete the last active admin; allows it while another remains', async () => {
    const root = await user('root', ['admin']);
    const token = await loginOf(root);
    for (const attempt of [
      admin.disable(token, root.id, META),
      admin.changeRoles({ accessToken: token, userId: root.id, remove: ['admin'] }, META),
      admin.delete(token, root.id, META),
    ]) {
      await expect(rpcErrorOf(attempt)).resolves.toMatchObject({ status: 409, code: 'LAST_ADMIN' });
    }
    await expect(db.selectFrom('user_roles').select('role').execute()).resolves.toEqual([{ role: 'admin' }]);

    const second = await user('second', ['admin']);
    const done = await admin.changeRoles({ accessToken: token, userId: second.id, remove: ['admin'] }, META);
    expect(done.user.roles).toEqual([]);
    // A disabled admin does not count as one left.
    const third = await user('third', ['admin']);
    await admin.disable(token, third.id, META);
    await expect(rpcErrorOf(admin.disable(token, root.id, META))).resolves.toMatchObject({ code: 'LAST_ADMIN' });
  });

  it('disable ends the sessions in the same transaction and stores the action with the acting admin', async () => {
    const root = await user('root', ['admin']);
    const victim = await user('victim');
    const victimToken = await loginOf(victim);
    const { user: disabled, revoked } = await admin.disable(await loginOf(root), victim.id, META);
    expect(disabled).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
    expect(revoked).toHaveLength(1);
    await expect(rpcErrorOf(sessions.authenticate(victimToken))).resolves.toMatchObject({ code: 'SESSION_REVOKED' });
    const rows = await db
      .selectFrom('audit_events')
      .select(['type', 'user_id', 'actor_id', 'details'])
      .where('type', 'in', ['admin.account_disabled', 'session.ended'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        type: 'session.ended',
        user_id: victim.id,
        actor_id: root.id,
        details: expect.stringContaining('account_disabled'),
      },
      { type: 'admin.account_disabled', user_id: victim.id, actor_id: root.id, details: '{"sessionsEnded":1}' },
    ]);
  });

  it('pages accounts by case-folded name with a cursor, filtered by prefix and status', async () => {
    const root = await user('root', ['admin']);
    for (const name of ['bob', 'Bea', 'ben', 'bill', 'carl']) await user(name);
    const token = await loginOf(root);
    const first = await admin.listUsers({ accessToken: token, query: 'B', limit: 2 });
    expect(first.users.map((account) => account.username)).toEqual(['Bea', 'ben']);
    const second = await admin.listUsers({ accessToken: token, query: 'b', limit: 2, cursor: first.nextCursor ?? '' });
    expect(second).toMatchObject({ users: [{ username: 'bill' }, { username: 'bob' }], nextCursor: null });
    await expect(rpcErrorOf(admin.listUsers({ accessToken: token, cursor: '!!' }))).resolves.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const disabled = await admin.listUsers({ accessToken: token, status: 'disabled' });
    expect(disabled.users).toEqual([]);
  });

  it('users:grant / users:revoke: refuse an unknown user, grant, and protect the last admin', async () => {
    await user('alice');
    await expect(changeRoles(db, 'sqlite', 'grant', 'nobody', ['admin'])).rejects.toThrow(CommandError);
    await expect(changeRoles(db, 'sqlite', 'grant', 'ALICE', ['admin'])).resolves.toMatchObject({ changed: ['admin'] });
    await expect(changeRoles(db, 'sqlite', 'grant', 'alice', ['admin'])).resolves.toMatchObject({ changed: [] });
    await expect(changeRoles(db, 'sqlite', 'revoke', 'alice', ['admin'])).rejects.toThrow(/last active administrator/);
    expect(() => parseRoleArgs('grant', ['alice'])).toThrow(/Usage/);
    expect(() => parseRoleArgs('grant', ['alice', 'Admin'])).toThrow(/Not a role name/);
    expect(parseRoleArgs('revoke', ['alice', 'editor', 'editor'])).toEqual({ username: 'alice', roles: ['editor'] });
  });
});
