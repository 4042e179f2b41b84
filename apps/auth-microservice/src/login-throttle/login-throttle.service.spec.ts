import { Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AuditLog } from '../audit/audit-log.service';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { UnitOfWork } from '../database/unit-of-work';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { LoginFailuresRepository } from './login-failures.repository';
import { KNOWN_CLIENT_TTL_MS, LoginThrottle } from './login-throttle.service';

const THRESHOLD = 3;
const ACCOUNT_MAX = 6;
const config = new AuthConfig(
  authEnvSchema.parse({
    LOGIN_THROTTLE_THRESHOLD: String(THRESHOLD),
    LOGIN_THROTTLE_BASE_DELAY_MS: '60000',
    LOGIN_MAX_FAILURES_PER_HOUR: String(ACCOUNT_MAX),
  }),
);

const isThrottled = (error: unknown): boolean =>
  error instanceof RpcException && (error.getError() as { code?: unknown }).code === 'TOO_MANY_ATTEMPTS';

/** Which of `attempts` the throttle let through ('heard') or refused ('throttled'). */
async function outcomes(attempts: Promise<unknown>[]): Promise<string[]> {
  return Promise.all(
    attempts.map((attempt) =>
      attempt.then(
        () => 'heard',
        (error: unknown) => (isThrottled(error) ? 'throttled' : String(error)),
      ),
    ),
  );
}

describe('LoginThrottle (real repository on SQLite in memory)', () => {
  let db: Kysely<Database>;
  let throttle: LoginThrottle;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
    throttle = new LoginThrottle(
      new LoginFailuresRepository(db, 'sqlite'),
      new AuditLog(new Registry(), new AuditEventsRepository(db)),
      new UnitOfWork(db),
      config,
    );
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await db.destroy();
  });

  it(`lets at most ${THRESHOLD} of 20 simultaneous attempts of one client through, each counted before it is checked`, async () => {
    const results = await outcomes(Array.from({ length: 20 }, () => throttle.begin('alice', '192.0.2.1')));
    expect(results.filter((result) => result === 'heard')).toHaveLength(THRESHOLD);
    expect(results.filter((result) => result === 'throttled')).toHaveLength(20 - THRESHOLD);
    await expect(db.selectFrom('login_failures').select('client_ip').execute()).resolves.toEqual(
      Array(THRESHOLD).fill({ client_ip: '192.0.2.1' }),
    );
  });

  it('takes back the reservation on success and records the client as known, once', async () => {
    const attempt = await throttle.begin('alice', '2001:db8::5');
    await attempt.succeeded();
    await expect(db.selectFrom('login_failures').selectAll().execute()).resolves.toEqual([]);
    const known = await db.selectFrom('login_known_clients').selectAll().executeTakeFirstOrThrow();
    expect(known).toMatchObject({ username_key: 'alice', client_key: '2001:db8:0:0::/64' });

    await (await throttle.begin('ALICE', '2001:db8::6')).succeeded();
    await expect(db.selectFrom('login_known_clients').selectAll().execute()).resolves.toEqual([known]);
  });

  it('keeps a known client on its own budget once the account cap is reached; an unknown one that failed waits', async () => {
    await (await throttle.begin('alice', '198.51.100.1')).succeeded();
    await outcomes(Array.from({ length: ACCOUNT_MAX }, (_, i) => throttle.begin('alice', `203.0.113.${i}`)));
    await throttle.begin('alice', '198.51.100.1');
    await expect(outcomes([throttle.begin('alice', '198.51.100.1')])).resolves.toEqual(['heard']);
    await expect(outcomes([throttle.begin('alice', '203.0.113.0')])).resolves.toEqual(['throttled']);
  });

  it(`forgets a known client whose last login is over ${KNOWN_CLIENT_TTL_MS / 86_400_000} days old`, async () => {
    const old = new Date(Date.now() - KNOWN_CLIENT_TTL_MS - 1_000).toISOString();
    await db
      .insertInto('login_known_clients')
      .values({ username_key: 'alice', client_key: '198.51.100.1', last_success_at: old })
      .execute();
    await outcomes(Array.from({ length: ACCOUNT_MAX }, (_, i) => throttle.begin('alice', `203.0.113.${i}`)));
    await throttle.begin('alice', '198.51.100.1');
    await expect(outcomes([throttle.begin('alice', '198.51.100.1')])).resolves.toEqual(['throttled']);
  });
});
