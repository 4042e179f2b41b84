import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { DurabilityObserver } from '../database/durable-sqlite-dialect';

/** A local disk syncs in tens of microseconds to milliseconds; a struggling one in tens of milliseconds or more. */
export const LOG_FSYNC_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * SQLite only: how commits are made durable. `auth_database_log_fsync_duration_seconds` times each fsync of the
 * write-ahead log (a slow disk shows here first); `auth_database_durable_writes_total` counts the queries and
 * transactions that waited for one. Writes per fsync above 1 is commits sharing an fsync.
 */
@Injectable()
export class DatabaseMetrics implements DurabilityObserver {
  private readonly fsyncs: Histogram;
  private readonly writes: Counter;

  constructor(registry: Registry) {
    this.fsyncs = new Histogram({
      name: 'auth_database_log_fsync_duration_seconds',
      help: 'SQLite: duration of each fsync of the write-ahead log; one fsync makes every commit before it durable',
      buckets: LOG_FSYNC_BUCKETS,
      registers: [registry],
    });
    this.writes = new Counter({
      name: 'auth_database_durable_writes_total',
      help: 'SQLite: queries and transactions that wrote and were acknowledged only after an fsync of the log',
      registers: [registry],
    });
  }

  async timeFlush(flush: () => Promise<void>): Promise<void> {
    const end = this.fsyncs.startTimer();
    try {
      await flush();
    } finally {
      end();
    }
  }

  durableWrite(): void {
    this.writes.inc();
  }
}
