import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { UnitOfWork } from '../database/unit-of-work';
import { AuditEventsRepository } from './audit-events.repository';
import { AuditLog } from './audit-log.service';

describe('AuditLog', () => {
  let db: Kysely<Database>;
  let log: jest.SpyInstance;
  let warn: jest.SpyInstance;

  beforeEach(async () => {
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await db.destroy();
  });

  it('writes one structured line per event, counts it and stores it', async () => {
    const registry = new Registry();
    const audit = new AuditLog(registry, new AuditEventsRepository(db));

    await audit.record('login.succeeded', { userId: 'u1', clientIp: '192.0.2.1' });
    await audit.record('login.failed', { clientIp: '192.0.2.1' });
    await audit.record('login.failed', { clientIp: '192.0.2.1' });

    expect(log).toHaveBeenCalledWith(
      { audit: true, event: 'login.succeeded', userId: 'u1', clientIp: '192.0.2.1' },
      'login.succeeded',
    );
    expect(warn).toHaveBeenCalledTimes(2);
    const text = await registry.metrics();
    expect(text).toContain('auth_security_events_total{event="login.failed"} 2');
    expect(text).toContain('auth_security_events_total{event="login.succeeded"} 1');
    expect(text).toContain('auth_security_events_total{event="login.throttled"} 0');
    const rows = await db.selectFrom('audit_events').selectAll().orderBy('id').execute();
    expect(rows.map((row) => [row.type, row.user_id, row.client_ip, row.details])).toEqual([
      ['login.succeeded', 'u1', '192.0.2.1', null],
      ['login.failed', null, '192.0.2.1', null],
      ['login.failed', null, '192.0.2.1', null],
    ]);
  });

  it('keeps identifiers in their columns and the other facts in details', async () => {
    const audit = new AuditLog(new Registry(), new AuditEventsRepository(db));
    await new UnitOfWork(db).run((trx) =>
      audit.recordIn(trx, 'roles.changed', {
        userId: 'u2',
        actorId: 'u1',
        sessionId: 's1',
        rolesAdded: ['admin'],
        rolesRemoved: [],
      }),
    );
    const [row] = await db.selectFrom('audit_events').selectAll().execute();
    expect(row).toMatchObject({ type: 'roles.changed', user_id: 'u2', actor_id: 'u1', session_id: 's1' });
    expect(JSON.parse(row?.details ?? 'null')).toEqual({ rolesAdded: ['admin'], rolesRemoved: [] });
  });

  it('inside a transaction: stored with the change, told only once it commits, neither if it rolls back', async () => {
    const registry = new Registry();
    const audit = new AuditLog(registry, new AuditEventsRepository(db));
    const uow = new UnitOfWork(db);
    const failed = uow.run(async (trx) => {
      await audit.recordIn(trx, 'password.changed', { userId: 'u1' });
      throw new Error('the change failed');
    });
    await expect(failed).rejects.toThrow('the change failed');
    await expect(db.selectFrom('audit_events').selectAll().execute()).resolves.toEqual([]);
    expect(log).not.toHaveBeenCalled();

    let toldInside = true;
    await uow.run(async (trx) => {
      await audit.recordIn(trx, 'password.changed', { userId: 'u1' });
      toldInside = log.mock.calls.length > 0;
    });
    expect(toldInside).toBe(false);
    expect(log).toHaveBeenCalledTimes(1);
    expect(await registry.metrics()).toContain('auth_security_events_total{event="password.changed"} 1');
    await expect(db.selectFrom('audit_events').select('type').execute()).resolves.toEqual([
      { type: 'password.changed' },
    ]);
  });
});
