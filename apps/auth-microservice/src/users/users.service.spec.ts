import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_MESSAGES, type RequestMeta } from '@nestjs-microservices/shared';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditLog } from '../audit/audit-log.service';
import { rpcErrorOf } from '../common/rpc-failure.spec-helpers';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { PasswordHasher } from '../credentials/password-hasher.service';
import { UnitOfWork } from '../database/unit-of-work';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { LoginFailuresRepository } from '../login-throttle/login-failures.repository';
import { LoginThrottle } from '../login-throttle/login-throttle.service';
import { AccountMetrics } from '../metrics/account.metrics';
import { PasswordHashMetrics } from '../metrics/password-hash.metrics';
import { UsersRepository } from './users.repository';
import { createSessionStack } from '../sessions/sessions.spec-helpers';
import type { SessionTokens } from '../sessions/session-tokens.service';
import type { SessionsService } from '../sessions/sessions.service';
import { createMailStack } from '../recovery/account-mail.spec-helpers';
import { hashAccountToken } from '../recovery/account-token';
import { UsersService } from './users.service';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PASSWORD = 'vT9#qLm2!xRw';
const META: RequestMeta = { requestId: 'spec-1', clientIp: '192.0.2.10' };
const throttleConfig = new AuthConfig(authEnvSchema.parse({ LOGIN_THROTTLE_THRESHOLD: '3' }));

const hasherWith = (memoryKib: number) =>
  new PasswordHasher(
    new AuthConfig(authEnvSchema.parse({ ARGON2_MEMORY_KIB: String(memoryKib), ARGON2_TIME_COST: '1' })),
    new PasswordHashMetrics(new Registry()),
  );

/** The real UsersService on a migrated in-memory SQLite database, with the real session stack. */
async function usersServiceOn(db: Kysely<Database>, hasher: PasswordHasher, registry = new Registry()) {
  const audit = new AuditLog(registry, new AuditEventsRepository(db));
  const { sessions, sessionTokens } = await createSessionStack(db, throttleConfig, registry, audit);
  const throttle = new LoginThrottle(
    new LoginFailuresRepository(db, 'sqlite'),
    audit,
    new UnitOfWork(db),
    throttleConfig,
  );
  const users = new UsersRepository(db);
  return {
    users,
    sessions,
    sessionTokens,
    service: new UsersService(
      users,
      hasher,
      new AccountMetrics(registry),
      throttle,
      audit,
      sessions,
      sessionTokens,
      new UnitOfWork(db),
      createMailStack(db, throttleConfig, registry).mail,
    ),
  };
}

describe('UsersService (real repository on SQLite in memory, real argon2)', () => {
  const hasher = hasherWith(16_384);
  let db: Kysely<Database>;
  let repository: UsersRepository;
  let service: UsersService;
  let registry: Registry;

  beforeAll(() => hasher.onModuleInit());

  beforeEach(async () => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
    registry = new Registry();
    ({ users: repository, service } = await usersServiceOn(db, hasher, registry));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await db.destroy();
  });

  describe('signup', () => {
    it('answers {id, username, createdAt, email, emailVerified} and nothing else', async () => {
      const before = Date.now();
      const response = await service.signup({ username: 'Alice', password: PASSWORD });

      expect(Object.keys(response).sort()).toEqual(['createdAt', 'email', 'emailVerified', 'id', 'username']);
      expect(response).toMatchObject({ email: null, emailVerified: false });
      expect(response.id).toMatch(UUID_V7);
      expect(response.username).toBe('Alice');
      expect(new Date(response.createdAt).toISOString()).toBe(response.createdAt);
      expect(Date.parse(response.createdAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(response.createdAt)).toBeLessThanOrEqual(Date.now());
    });

    it('with an address: the account, a verification token (its hash only) and the mail, written together', async () => {
      const response = await service.signup({ username: 'Alice', password: PASSWORD, email: 'Alice@example.com' });

      expect(response).toMatchObject({ email: 'Alice@example.com', emailVerified: false });
      const tokens = await db.selectFrom('account_tokens').selectAll().execute();
      expect(tokens).toEqual([
        expect.objectContaining({ user_id: response.id, purpose: 'email_verification', email: 'Alice@example.com' }),
      ]);
      const mails = await db.selectFrom('mail_outbox').selectAll().execute();
      expect(mails).toEqual([expect.objectContaining({ kind: 'verify-email', recipient: 'Alice@example.com' })]);
      const token = /token=([A-Za-z0-9_-]+)/.exec(mails[0]?.text_body ?? '')?.[1] ?? '';
      expect(token).toHaveLength(43);
      expect(tokens[0]?.token_hash).toBe(hashAccountToken(token));
    });

    it('refuses an address another account holds in any letter case, writing nothing', async () => {
      await service.signup({ username: 'alice', password: PASSWORD, email: 'alice@example.com' });

      await expect(
        service.signup({ username: 'bob', password: PASSWORD, email: 'ALICE@example.com' }),
      ).rejects.toMatchObject({ error: expect.objectContaining({ code: 'EMAIL_TAKEN' }) });
      await expect(repository.findByUsername('bob')).resolves.toBeUndefined();
    });

    it('stores an argon2id hash of the password, never the password', async () => {
      await service.signup({ username: 'alice', password: PASSWORD });
      const stored = await repository.findByUsername('alice');

      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
      expect(stored?.passwordHash).not.toContain(PASSWORD);
      await expect(hasher.verify(stored?.passwordHash ?? '', PASSWORD)).resolves.toBe(true);
    });

    it('refuses a name taken in another case with USERNAME_TAKEN (409), without hashing', async () => {
      await service.signup({ username: 'alice', password: PASSWORD });
      const hash = jest.spyOn(hasher, 'hash');

      await expect(rpcErrorOf(service.signup({ username: 'ALICE', password: PASSWORD }))).resolves.toEqual({
        status: 409,
        code: 'USERNAME_TAKEN',
        message: ERROR_MESSAGES.USERNAME_TAKEN,
      });
      expect(hash).not.toHaveBeenCalled();
    });

    it('lets exactly one of two simultaneous sign-ups for the same name win', async () => {
      const results = await Promise.allSettled([
        service.signup({ username: 'bob', password: PASSWORD }),
        service.signup({ username: 'BOB', password: PASSWORD }),
      ]);

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((result) => result.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(RpcException);
      await expect(rpcErrorOf(Promise.reject(rejected?.reason))).resolves.toMatchObject({ code: 'USERNAME_TAKEN' });
    });
  });

  describe('login', () => {
    it('answers {user} and a new session for the right password, whatever the case of the name', async () => {
      const signedUp = await service.signup({ username: 'Alice', password: PASSWORD });

      const first = await service.login({ username: 'alice', password: PASSWORD }, META);
      const second = await service.login({ username: 'ALICE', password: PASSWORD }, META);

      expect(first).toEqual({
        user: signedUp,
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        accessTokenExpiresAt: expect.any(String),
        refreshToken: expect.stringMatching(/^[\w-]{43}$/),
        refreshTokenExpiresAt: expect.any(String),
        tokenType: 'Bearer',
      });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const sids = await db.selectFrom('sessions').select(['user_id', 'ip', 'user_agent']).execute();
      expect(sids).toEqual([
        { user_id: signedUp.id, ip: META.clientIp, user_agent: null },
        { user_id: signedUp.id, ip: META.clientIp, user_agent: null },
      ]);
    });

    it('refuses an unknown user with INVALID_CREDENTIALS, after the same argon2 work (dummy verify)', async () => {
      const verifyDummy = jest.spyOn(hasher, 'verifyDummy');
      const verify = jest.spyOn(hasher, 'verify');

      await expect(rpcErrorOf(service.login({ username: 'nobody', password: PASSWORD }, META))).resolves.toEqual({
        status: 401,
        code: 'INVALID_CREDENTIALS',
        message: ERROR_MESSAGES.INVALID_CREDENTIALS,
      });
      expect(verifyDummy).toHaveBeenCalledWith(PASSWORD);
      expect(verify).not.toHaveBeenCalled(); // verifyDummy does the same argon2 work itself
    });

    it('refuses a wrong password with exactly the same error as an unknown user', async () => {
      await service.signup({ username: 'alice', password: PASSWORD });
      const verifyDummy = jest.spyOn(hasher, 'verifyDummy');

      const wrongPassword = await rpcErrorOf(service.login({ username: 'alice', password: `${PASSWORD}x` }, META));
      const unknownUser = await rpcErrorOf(service.login({ username: 'nobody', password: `${PASSWORD}x` }, META));

      expect(wrongPassword).toEqual(unknownUser);
      expect(verifyDummy).toHaveBeenCalledTimes(1);
    });

    it('upgrades a hash made with weaker parameters, once', async () => {
      const weakHash = await hasherWith(8_192).hash(PASSWORD);
      await repository.insert({
        id: 'id-1',
        username: 'old',
        passwordHash: weakHash,
        createdAt: new Date(),
        disabledAt: null,
        email: null,
        emailVerifiedAt: null,
      });

      await service.login({ username: 'old', password: PASSWORD }, META);
      const upgraded = (await repository.findByUsername('old'))?.passwordHash ?? '';

      expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=16384,t=1,p=1\$/);
      await expect(hasher.verify(upgraded, PASSWORD)).resolves.toBe(true);
      const hash = jest.spyOn(hasher, 'hash');
      await service.login({ username: 'old', password: PASSWORD }, META);
      expect(hash).not.toHaveBeenCalled();
      await expect(repository.findByUsername('old')).resolves.toMatchObject({ passwordHash: upgraded });
    });

    it('still logs the user in when the upgrade fails', async () => {
      const weakHash = await hasherWith(8_192).hash(PASSWORD);
      await repository.insert({
        id: 'id-1',
        username: 'old',
        passwordHash: weakHash,
        createdAt: new Date(),
        disabledAt: null,
        email: null,
        emailVerifiedAt: null,
      });
      jest.spyOn(repository, 'updatePasswordHash').mockRejectedValue(new Error('disk full'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);

      await expect(service.login({ username: 'old', password: PASSWORD }, META)).resolves.toMatchObject({
        user: { id: 'id-1' },
      });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('disk full'));
      await expect(repository.findByUsername('old')).resolves.toMatchObject({ passwordHash: weakHash });
    });
  });

  describe('metrics', () => {
    const counts = async (name: string): Promise<Record<string, number>> => {
      const text = await registry.metrics();
      const lines = [...text.matchAll(new RegExp(`^${name}\\{outcome="([a-z_]+)"\\} (\\d+)$`, 'gm'))];
      return Object.fromEntries(lines.map(([, outcome, value]) => [outcome, Number(value)]));
    };

    it('exports every outcome at 0 before anything happened', async () => {
      expect(await counts('auth_login_attempts_total')).toEqual({
        success: 0,
        invalid_credentials: 0,
        throttled: 0,
        error: 0,
      });
      expect(await counts('auth_signups_total')).toEqual({ created: 0, username_taken: 0, error: 0 });
    });

    it('counts sign-ups: created, and username_taken for a name taken in any case', async () => {
      await service.signup({ username: 'alice', password: PASSWORD });
      await rpcErrorOf(service.signup({ username: 'ALICE', password: PASSWORD }));

      expect(await counts('auth_signups_total')).toEqual({ created: 1, username_taken: 1, error: 0 });
    });

    it('counts logins: success, and invalid_credentials for a wrong password and an unknown user alike', async () => {
      await service.signup({ username: 'alice', password: PASSWORD });
      await service.login({ username: 'alice', password: PASSWORD }, META);
      await rpcErrorOf(service.login({ username: 'alice', password: `${PASSWORD}x` }, META));
      await rpcErrorOf(service.login({ username: 'nobody', password: PASSWORD }, META));

      expect(await counts('auth_login_attempts_total')).toEqual({
        success: 1,
        invalid_credentials: 2,
        throttled: 0,
        error: 0,
      });
    });

    it("counts a failure that is not the caller's fault as error, and still throws it", async () => {
      jest.spyOn(repository, 'findByUsername').mockRejectedValue(new Error('database down'));
      jest.spyOn(repository, 'isTaken').mockRejectedValue(new Error('database down'));

      await expect(service.login({ username: 'alice', password: PASSWORD }, META)).rejects.toThrow('database down');
      await expect(service.signup({ username: 'alice', password: PASSWORD })).rejects.toThrow('database down');

      expect(await counts('auth_login_attempts_total')).toEqual({
        success: 0,
        invalid_credentials: 0,
        throttled: 0,
        error: 1,
      });
      expect(await counts('auth_signups_total')).toEqual({ created: 0, username_taken: 0, error: 1 });
    });
  });
});

describe('UsersService.changePassword (real sessions, argon2 and SQLite in memory)', () => {
  const hasher = hasherWith(8_192);
  const NEW_PASSWORD = 'n3w-Pa55word-Qz';
  let db: Kysely<Database>;
  let service: UsersService;
  let sessions: SessionsService;
  let sessionTokens: SessionTokens;

  beforeAll(() => hasher.onModuleInit());

  beforeEach(async () => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
    ({ sessions, sessionTokens, service } = await usersServiceOn(db, hasher));
    await service.signup({ username: 'carol', password: PASSWORD });
  });

  afterEach(() => db.destroy());

  const login = (password = PASSWORD) => service.login({ username: 'carol', password }, META);

  it('stores the new hash, ends the other sessions in the same step, and keeps the current one', async () => {
    const current = await login();
    const other = await login();

    const answer = await service.changePassword(
      { accessToken: current.accessToken, currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      META,
    );

    const currentSid = (await sessions.authenticate(current.accessToken)).sessionId;
    expect(answer.revoked).toHaveLength(1);
    expect(answer.revoked[0]?.sessionId).not.toBe(currentSid);
    await expect(rpcErrorOf(sessions.authenticate(other.accessToken))).resolves.toMatchObject({
      code: 'SESSION_REVOKED',
    });
    await expect(rpcErrorOf(sessionTokens.refresh(other.refreshToken, META))).resolves.toMatchObject({
      code: 'INVALID_REFRESH_TOKEN',
    });
    await expect(sessionTokens.refresh(current.refreshToken, META)).resolves.toMatchObject({ tokenType: 'Bearer' });
    await expect(rpcErrorOf(login())).resolves.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await expect(login(NEW_PASSWORD)).resolves.toMatchObject({ user: { username: 'carol' } });
  });

  it('refuses a wrong current password with CURRENT_PASSWORD_INCORRECT and changes nothing', async () => {
    const current = await login();
    const other = await login();

    await expect(
      rpcErrorOf(
        service.changePassword(
          { accessToken: current.accessToken, currentPassword: `${PASSWORD}x`, newPassword: NEW_PASSWORD },
          META,
        ),
      ),
    ).resolves.toEqual({ status: 403, code: 'CURRENT_PASSWORD_INCORRECT', message: expect.any(String) });
    await expect(sessions.authenticate(other.accessToken)).resolves.toMatchObject({ username: 'carol' });
    await expect(login()).resolves.toMatchObject({ user: { username: 'carol' } });
  });

  it('refuses a new password equal to the current one', async () => {
    const current = await login();
    await expect(
      rpcErrorOf(
        service.changePassword(
          { accessToken: current.accessToken, currentPassword: PASSWORD, newPassword: PASSWORD },
          META,
        ),
      ),
    ).resolves.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'newPassword' }] });
  });

  it('refuses an access token whose session has ended', async () => {
    const current = await login();
    await sessions.logout(current.accessToken, META);
    await expect(
      rpcErrorOf(
        service.changePassword(
          { accessToken: current.accessToken, currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
          META,
        ),
      ),
    ).resolves.toMatchObject({ code: 'SESSION_REVOKED' });
  });

  it('throttles guessing of the current password like logins', async () => {
    const current = await login();
    const guess = () =>
      rpcErrorOf(
        service.changePassword(
          { accessToken: current.accessToken, currentPassword: 'guess-guess-1', newPassword: NEW_PASSWORD },
          META,
        ),
      );
    for (let i = 0; i < 3; i += 1) await expect(guess()).resolves.toMatchObject({ code: 'CURRENT_PASSWORD_INCORRECT' });
    await expect(guess()).resolves.toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
  });
});

describe('UsersService login throttling (real repository and counters on SQLite in memory)', () => {
  const hasher = hasherWith(8_192);
  let db: Kysely<Database>;
  let service: UsersService;

  beforeAll(() => hasher.onModuleInit());

  beforeEach(async () => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
    ({ service } = await usersServiceOn(db, hasher));
    await service.signup({ username: 'victim', password: PASSWORD });
  });

  afterEach(() => db.destroy());

  const attempt = (password: string, clientIp: string) =>
    rpcErrorOf(service.login({ username: 'victim', password }, { requestId: 'r', clientIp })).catch((error: unknown) =>
      error instanceof Error && error.message.startsWith('expected') ? 'ok' : error,
    );

  it('delays a client after THRESHOLD failures without checking its password, and says when to retry', async () => {
    const verify = jest.spyOn(hasher, 'verify');
    for (let i = 0; i < 3; i++)
      await expect(attempt('wrong-guess-1', '192.0.2.1')).resolves.toMatchObject({ status: 401 });
    verify.mockClear();

    await expect(attempt(PASSWORD, '192.0.2.1')).resolves.toMatchObject({
      status: 429,
      code: 'TOO_MANY_ATTEMPTS',
      retryAfterSeconds: 1,
    });
    expect(verify).not.toHaveBeenCalled();
  });

  it('does not block the owner logging in from a client that has not been failing', async () => {
    for (let i = 0; i < 5; i++) await attempt('wrong-guess-1', '192.0.2.1');

    await expect(attempt(PASSWORD, '198.51.100.7')).resolves.toBe('ok');
  });

  it('counts unknown accounts like real ones, so throttling reveals nothing', async () => {
    const unknown = (clientIp: string) =>
      rpcErrorOf(service.login({ username: 'ghost', password: 'whatever-1' }, { requestId: 'r', clientIp }));
    for (let i = 0; i < 3; i++) await expect(unknown('192.0.2.1')).resolves.toMatchObject({ status: 401 });

    await expect(unknown('192.0.2.1')).resolves.toMatchObject({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
  });
});
