import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import type { AuthHealthResponse, DependencyHealth } from '@nestjs-microservices/shared';
import { type Kysely, sql } from 'kysely';
import { DATABASE } from '../database/database.tokens';
import type { Database } from '../database/database.types';
import { ServingStatus } from './serving-status';

/** What the auth service depends on, checked on request (`auth.health`), each within a time budget. */
@Injectable()
export class HealthService implements OnModuleInit {
  private readonly logger = new Logger(HealthService.name);

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Optional() private readonly serving?: ServingStatus,
  ) {}

  /** The readiness probe (`GET /health/ready` on the metrics port) includes the database from now on. */
  onModuleInit(): void {
    this.serving?.checkDatabaseWith((timeoutMs) => this.check(timeoutMs));
  }

  async check(timeoutMs: number): Promise<AuthHealthResponse> {
    return { database: await this.checkDatabase(timeoutMs) };
  }

  /** `select 1` through the pool. The reason of a failure is logged here; the answer never carries it. */
  private async checkDatabase(timeoutMs: number): Promise<DependencyHealth> {
    const started = performance.now();
    const durationMs = () => Math.round((performance.now() - started) * 10) / 10;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    // Promise.race handles a late rejection of the query too: it cannot become an unhandled rejection.
    const query = sql`select 1`.execute(this.db).then(() => 'ok' as const);
    try {
      if ((await Promise.race([query, deadline])) === 'ok') return { status: 'up', durationMs: durationMs() };
      this.logger.warn(`Database health check: no answer within ${timeoutMs} ms`);
      return {
        status: 'down',
        durationMs: durationMs(),
        message: `the database did not answer within ${timeoutMs} ms`,
      };
    } catch (error) {
      this.logger.warn(`Database health check failed: ${error instanceof Error ? error.message : String(error)}`);
      return { status: 'down', durationMs: durationMs(), message: 'the database query failed' };
    } finally {
      clearTimeout(timer);
    }
  }
}
