import { Logger } from '@nestjs/common';
import { Kysely, PostgresDialect, type PostgresPoolClient } from 'kysely';
import type { Database } from '../database/database.types';
import { openDatabase } from '../database/open-database';
import { HealthService } from './health.service';

/** A PostgreSQL dialect whose pool hands out connections the way `connect` says. */
const databaseWhosePool = (connect: () => Promise<PostgresPoolClient>): Kysely<Database> =>
  new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect, end: () => Promise.resolve() } }) });

describe('HealthService', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('reports the database up when `select 1` answers', async () => {
    const { db } = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 });
    try {
      const health = await new HealthService(db).check(500);

      expect(health).toEqual({ database: { status: 'up', durationMs: expect.any(Number) } });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      await db.destroy();
    }
  });

  it('reports the database down when the query fails, logging the reason but not answering it', async () => {
    const db = databaseWhosePool(() =>
      Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2')),
    );

    const health = await new HealthService(db).check(500);

    expect(health).toEqual({
      database: { status: 'down', durationMs: expect.any(Number), message: 'the database query failed' },
    });
    expect(JSON.stringify(health)).not.toContain('hunter2');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
  });

  it('reports the database down once the budget has passed when the query never answers', async () => {
    const db = databaseWhosePool(() => new Promise<never>(() => undefined));
    const started = performance.now();

    const health = await new HealthService(db).check(150);

    const elapsed = performance.now() - started;
    expect(health).toEqual({
      database: {
        status: 'down',
        durationMs: expect.any(Number),
        message: 'the database did not answer within 150 ms',
      },
    });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_000);
  });
});
