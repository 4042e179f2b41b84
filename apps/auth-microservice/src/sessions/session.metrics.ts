import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { SessionsRepository } from './sessions.repository';

export const REFRESH_OUTCOMES = ['rotated', 'invalid', 'reused', 'disabled'] as const;
export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number];

/**
 * `auth_active_sessions` (counted in the database at each scrape, so every instance reports the shared total)
 * and `auth_token_refreshes_total{outcome}`.
 */
@Injectable()
export class SessionMetrics {
  private readonly refreshes: Counter<'outcome'>;

  constructor(registry: Registry, sessions: SessionsRepository) {
    const logger = new Logger(SessionMetrics.name);
    new Gauge({
      name: 'auth_active_sessions',
      help: 'Sessions neither revoked nor expired (all instances: read from the database at each scrape)',
      registers: [registry],
      async collect() {
        try {
          this.set(await sessions.countActive(new Date()));
        } catch (error) {
          // The scrape still answers (with the last count); the database's state shows in the health check.
          logger.warn(`Could not count the active sessions: ${String(error)}`);
        }
      },
    });
    this.refreshes = new Counter({
      name: 'auth_token_refreshes_total',
      help: 'Refresh-token exchanges, by outcome (rotated, invalid, reused = detected theft, disabled = account disabled)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    for (const outcome of REFRESH_OUTCOMES) this.refreshes.inc({ outcome }, 0);
  }

  countRefresh(outcome: RefreshOutcome): void {
    this.refreshes.inc({ outcome });
  }
}
