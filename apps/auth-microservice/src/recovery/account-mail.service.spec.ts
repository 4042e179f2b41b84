import type { Kysely } from 'kysely';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { UnitOfWork } from '../database/unit-of-work';
import { humanDuration, maskEmail } from './account-mail.service';
import { createMailStack } from './account-mail.spec-helpers';

describe('AccountMail', () => {
  let db: Kysely<Database>;

  beforeEach(async () => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
  });

  afterEach(() => db.destroy());

  it('with MAIL_ENABLED=false: the routes that need mail are refused (MAIL_DISABLED), notices are skipped', async () => {
    const { mail } = createMailStack(db, new AuthConfig(authEnvSchema.parse({ MAIL_ENABLED: 'false' })));

    expect(() => mail.requireEnabled()).toThrow(
      expect.objectContaining({ error: expect.objectContaining({ code: 'MAIL_DISABLED', status: 501 }) }),
    );
    await new UnitOfWork(db).run((trx) =>
      mail.passwordChanged(trx, { id: 'u', username: 'alice' }, 'alice@example.com', 'change', new Date()),
    );
    expect(await db.selectFrom('mail_outbox').selectAll().execute()).toEqual([]);
  });

  it('a reset link replaces every earlier one of the user, and points at APP_URL with token=', async () => {
    const config = new AuthConfig(authEnvSchema.parse({ APP_URL: 'https://app.example.com/' }));
    const { mail } = createMailStack(db, config);
    await db
      .insertInto('users')
      .values({
        id: 'u',
        username: 'alice',
        username_normalized: 'alice',
        password_hash: 'x',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .execute();
    const user = { id: 'u', username: 'alice' };
    const uow = new UnitOfWork(db);

    await uow.run((trx) => mail.passwordReset(trx, user, 'alice@example.com', new Date()));
    await uow.run((trx) => mail.passwordReset(trx, user, 'alice@example.com', new Date()));

    const tokens = await db.selectFrom('account_tokens').select(['used_at']).orderBy('created_at').execute();
    expect(tokens.map((token) => token.used_at === null)).toEqual([false, true]);
    const mails = await db.selectFrom('mail_outbox').select('text_body').execute();
    expect(mails[1]?.text_body).toMatch(/https:\/\/app\.example\.com\/reset-password\?token=[A-Za-z0-9_-]{43}\n/);
  });

  it('describes durations and masks addresses', () => {
    expect(humanDuration(600_000)).toBe('10 minutes');
    expect(humanDuration(86_400_000)).toBe('1 day');
    expect(humanDuration(90_000)).toBe('2 minutes');
    expect(maskEmail('dora@example.org')).toBe('d***@example.org');
  });
});
