import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { DATABASE } from '../database/database.tokens';
import { type AuditEventsTable, type Database, toDate } from '../database/database.types';
import type { Executor } from '../database/unit-of-work';

/** A stored audit event as the service reads it. */
export interface StoredAuditEvent {
  id: string;
  occurredAt: Date;
  type: string;
  userId: string | null;
  actorId: string | null;
  sessionId: string | null;
  clientIp: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditEventFilter {
  userId?: string;
  type?: string;
  since?: Date;
  /** Only events older than this one (the id of the last event of the previous page). */
  before?: string;
  limit: number;
}

@Injectable()
export class AuditEventsRepository {
  constructor(@Inject(DATABASE) readonly db: Kysely<Database>) {}

  /** One multi-row INSERT, on `db` (a transaction, to commit with the change) or on its own. */
  async insert(db: Executor, events: readonly StoredAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await db
      .insertInto('audit_events')
      .values(
        events.map((event) => ({
          id: event.id,
          occurred_at: event.occurredAt.toISOString(),
          type: event.type,
          user_id: event.userId,
          actor_id: event.actorId,
          session_id: event.sessionId,
          client_ip: event.clientIp,
          details: event.details === null ? null : JSON.stringify(event.details),
        })),
      )
      .execute();
  }

  /** Newest first (by id, UUID v7), `limit` of them. */
  async list(filter: AuditEventFilter): Promise<StoredAuditEvent[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .$if(filter.userId !== undefined, (query) => query.where('user_id', '=', filter.userId ?? ''))
      .$if(filter.type !== undefined, (query) => query.where('type', '=', filter.type ?? ''))
      .$if(filter.since !== undefined, (query) =>
        query.where('occurred_at', '>=', (filter.since ?? new Date(0)).toISOString()),
      )
      .$if(filter.before !== undefined, (query) => query.where('id', '<', filter.before ?? ''))
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map(toStoredEvent);
  }

  /** Deletes at most `batch` events older than `before` (a bounded statement: the purge loops). */
  async deleteBefore(before: Date, batch: number): Promise<number> {
    const ids = await this.db
      .selectFrom('audit_events')
      .select('id')
      .where('occurred_at', '<', before.toISOString())
      .limit(batch)
      .execute();
    if (ids.length === 0) return 0;
    const result = await this.db
      .deleteFrom('audit_events')
      .where(
        'id',
        'in',
        ids.map((row) => row.id),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toStoredEvent(row: Selectable<AuditEventsTable>): StoredAuditEvent {
  return {
    id: row.id,
    occurredAt: toDate(row.occurred_at),
    type: row.type,
    userId: row.user_id,
    actorId: row.actor_id,
    sessionId: row.session_id,
    clientIp: row.client_ip,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}
