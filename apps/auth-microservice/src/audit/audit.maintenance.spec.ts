import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { AuditEventsRepository } from './audit-events.repository';
import { toStored } from './audit-log.service';
import { AuditMaintenance } from './audit.maintenance';

describe('AuditMaintenance', () => {
  let db: Kysely<Database>;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await db.destroy();
  });

  it('deletes the events older than AUDIT_RETENTION, and only those', async () => {
    const events = new AuditEventsRepository(db);
    const now = new Date('2026-06-01T00:00:00.000Z');
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
    await events.insert(db, [
      toStored('login.failed', { clientIp: '192.0.2.1' }, daysAgo(31)),
      toStored('login.succeeded', { userId: 'u1' }, daysAgo(29)),
      toStored('session.ended', { userId: 'u1', reason: 'logout' }, daysAgo(1)),
    ]);
    const maintenance = new AuditMaintenance(events, new AuthConfig(authEnvSchema.parse({ AUDIT_RETENTION: '30d' })));

    await expect(maintenance.purge(now)).resolves.toBe(1);
    const left = await db.selectFrom('audit_events').select('type').orderBy('occurred_at').execute();
    expect(left).toEqual([{ type: 'login.succeeded' }, { type: 'session.ended' }]);
    await expect(maintenance.purge(now)).resolves.toBe(0);
  });

  it('keeps 90 days by default', () => {
    expect(new AuthConfig(authEnvSchema.parse({})).audit.retentionMs).toBe(90 * 86_400_000);
  });
});
