import { Injectable, Logger } from '@nestjs/common';
import { Interval, Timeout } from '@nestjs/schedule';
import { AuthConfig } from '../config/auth-config';
import { AuditEventsRepository } from './audit-events.repository';

const BATCH = 5_000;
/** At most this many batches per run, so a first purge of a large backlog does not hold the database for long. */
const MAX_BATCHES = 200;

/** Deletes audit events older than AUDIT_RETENTION, every hour (and once shortly after start). */
@Injectable()
export class AuditMaintenance {
  private readonly logger = new Logger('Audit');

  constructor(
    private readonly events: AuditEventsRepository,
    private readonly config: AuthConfig,
  ) {}

  @Timeout(30_000)
  async purgeAfterStart(): Promise<void> {
    await this.purge();
  }

  /** The number of events deleted; never throws (a failed purge is retried at the next run). */
  @Interval(60 * 60_000)
  async purge(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.audit.retentionMs);
    let deleted = 0;
    try {
      for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
        const count = await this.events.deleteBefore(before, BATCH);
        deleted += count;
        if (count < BATCH) break;
      }
      if (deleted > 0) this.logger.log(`Purged ${deleted} audit event(s) older than ${before.toISOString()}`);
    } catch (error) {
      this.logger.warn(`Could not purge old audit events (retried later): ${String(error)}`);
    }
    return deleted;
  }
}
