import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { UnitOfWork } from '../database/unit-of-work';
import { MailDeliveryWorker } from './mail-delivery.worker';
import { MailMetrics } from './mail.metrics';
import { MailTemplates } from './mail-templates';
import type { MailTransport, OutgoingMail } from './mail-transport';
import { Outbox } from './outbox.service';
import { OutboxRepository } from './outbox.repository';
import { OutboxStatus } from './outbox-status';

const SECRET = 'a-secret-of-at-least-32-characters!!';
const VALUES = { username: 'alice', link: 'http://app.test/verify-email?token=abc', expiresIn: '1 day' };

/** The SMTP server's side of the boundary: accepts, or fails as told. */
class FakeTransport implements MailTransport {
  readonly kind = 'smtp';
  readonly sent: OutgoingMail[] = [];
  failures: unknown[] = [];
  send(mail: OutgoingMail): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(failure);
    this.sent.push(mail);
    return Promise.resolve();
  }
  close(): void {
    this.failures = [];
  }
}

describe('MailDeliveryWorker (real outbox on SQLite in memory)', () => {
  let db: Kysely<Database>;
  let transport: FakeTransport;
  let registry: Registry;
  let status: OutboxStatus;
  let rows: OutboxRepository;
  const config = new AuthConfig(
    authEnvSchema.parse({
      MAIL_RETRY_BASE_DELAY: '1s',
      MAIL_RETRY_MAX_DELAY: '3s',
      MAIL_MAX_ATTEMPTS: '4',
      MAIL_CLAIM_LEASE: '30s',
      SIGNING_KEY_ENCRYPTION_SECRET: SECRET,
    }),
  );
  const worker = (metrics = new MailMetrics(registry)) =>
    new MailDeliveryWorker(rows, transport, metrics, status, config);
  const outboxOf = (w: MailDeliveryWorker) => new Outbox(rows, new MailTemplates(), w, config);
  const write = (w: MailDeliveryWorker) =>
    new UnitOfWork(db).run((trx) => outboxOf(w).mail(trx, 'verify-email', 'alice@example.com', VALUES));
  const row = async () => db.selectFrom('mail_outbox').selectAll().executeTakeFirstOrThrow();
  const sends = async (outcome: string) =>
    (await registry.getSingleMetric('auth_mail_sends_total')?.get())?.values.find(
      (value) => value.labels['outcome'] === outcome,
    )?.value;

  beforeEach(async () => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
    transport = new FakeTransport();
    registry = new Registry();
    status = new OutboxStatus();
    rows = new OutboxRepository(db, 'sqlite');
  });

  afterEach(() => db.destroy());

  it('sends a mail written in a transaction, marks it sent and erases its bodies; stored encrypted until then', async () => {
    const w = worker();
    await write(w);
    const stored = await row();
    expect(stored.text_body).toMatch(/^aes-256-gcm:v1:/);
    expect(stored.text_body).not.toContain('token=abc');

    await w.runOnce();

    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]).toMatchObject({ to: 'alice@example.com', subject: 'Verify your email address' });
    expect(transport.sent[0]?.text).toContain('http://app.test/verify-email?token=abc');
    expect(await row()).toMatchObject({ text_body: null, html_body: null, attempts: 0 });
    expect((await row()).sent_at).not.toBeNull();
    expect(await sends('sent')).toBe(1);
    expect(status.current).toEqual({ status: 'ok', depth: 0, oldestPendingSeconds: 0 });
  });

  it('retries a failed send with exponential backoff (capped), then sends it', async () => {
    const w = worker();
    await write(w);
    transport.failures = [new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), new Error('ECONNREFUSED')];
    const t0 = Date.now();
    const at = (ms: number) => () => new Date(t0 + ms);

    await w.runOnce(at(0));
    expect(await row()).toMatchObject({ attempts: 1, next_attempt_at: new Date(t0 + 1_000).toISOString() });
    await w.runOnce(at(500));
    expect((await row()).attempts).toBe(1);
    await w.runOnce(at(1_000));
    expect(await row()).toMatchObject({ attempts: 2, next_attempt_at: new Date(t0 + 3_000).toISOString() });
    await w.runOnce(at(3_000));
    expect(await row()).toMatchObject({ attempts: 3, next_attempt_at: new Date(t0 + 6_000).toISOString() });
    await w.runOnce(at(6_000));

    expect(transport.sent).toHaveLength(1);
    expect((await row()).sent_at).not.toBeNull();
    expect(await sends('retry')).toBe(3);
  });

  it('gives up at once on a permanent refusal (SMTP 5xx), and after MAIL_MAX_ATTEMPTS otherwise', async () => {
    const w = worker();
    await write(w);
    transport.failures = [Object.assign(new Error('550 no such mailbox'), { responseCode: 550 })];
    await w.runOnce();
    expect(await row()).toMatchObject({ attempts: 1, text_body: null, last_error: expect.stringContaining('550') });
    expect((await row()).failed_at).not.toBeNull();
    expect(await sends('failed')).toBe(1);
  });

  it('leaves a row another instance holds a lease on, and takes it over once the lease has run out', async () => {
    const other = worker(new MailMetrics(new Registry()));
    await write(other);
    const t0 = Date.now();
    const claimed = await rows.claim('crashed-instance', 10, new Date(t0), 30_000);
    expect(claimed).toHaveLength(1);

    const w = worker();
    await w.runOnce(() => new Date(t0 + 1_000));
    expect(transport.sent).toHaveLength(0);
    await w.runOnce(() => new Date(t0 + 31_000));
    expect(transport.sent).toHaveLength(1);
  });

  it('runs a job and completes it in the job’s own transaction', async () => {
    const w = worker();
    const seen: unknown[] = [];
    w.registerJob('test.request', async (payload, complete) => {
      seen.push(payload);
      await new UnitOfWork(db).run(complete);
    });
    await new UnitOfWork(db).run((trx) => outboxOf(w).job(trx, 'test.request', { email: 'a@example.com' }));

    await w.runOnce();
    await w.runOnce();

    expect(seen).toEqual([{ email: 'a@example.com' }]);
    expect(await row()).toMatchObject({ payload: null });
    expect((await row()).sent_at).not.toBeNull();
  });

  it('reports a stuck outbox to readiness', async () => {
    const w = worker();
    await write(w);
    transport.failures = [new Error('down')];
    await w.runOnce(() => new Date(Date.now() + 11 * 60_000));
    expect(status.current.status).toBe('stuck');
  });
});
