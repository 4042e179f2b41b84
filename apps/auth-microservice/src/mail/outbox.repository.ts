import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { DATABASE, DATABASE_DIALECT } from '../database/database.tokens';
import { type Database, type Dialect, type MailOutboxTable, toDate } from '../database/database.types';
import type { Executor, Tx } from '../database/unit-of-work';

/** A row of the outbox as written: a mail (recipient, subject, bodies) or a job (`payload`). */
export interface NewOutboxRow {
  id: string;
  kind: string;
  recipient?: string;
  subject?: string;
  textBody?: string;
  htmlBody?: string;
  payload?: string;
  createdAt: Date;
}

/** A row an instance has claimed (its lease runs until `claimedUntil`). */
export interface ClaimedRow {
  id: string;
  kind: string;
  recipient: string | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
  payload: string | null;
  attempts: number;
  createdAt: Date;
}

export interface OutboxState {
  /** Mails and jobs not yet sent, done or given up. */
  depth: number;
  /** The creation time of the oldest of them. */
  oldestCreatedAt?: Date;
}

@Injectable()
export class OutboxRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(DATABASE_DIALECT) private readonly dialect: Dialect,
  ) {}

  /** Inside the transaction of the change that causes the mail: both commit, or neither. */
  async insert(trx: Tx, row: NewOutboxRow): Promise<void> {
    const at = row.createdAt.toISOString();
    await trx
      .insertInto('mail_outbox')
      .values({
        id: row.id,
        kind: row.kind,
        recipient: row.recipient ?? null,
        subject: row.subject ?? null,
        text_body: row.textBody ?? null,
        html_body: row.htmlBody ?? null,
        payload: row.payload ?? null,
        created_at: at,
        next_attempt_at: at,
      })
      .execute();
  }

  /**
   * Claims up to `limit` rows that are due and not leased by anyone, in one statement: on PostgreSQL the candidates
   * are locked `FOR UPDATE SKIP LOCKED`, so concurrent instances claim disjoint sets without waiting; on SQLite the
   * statement runs alone (one writer at a time). A lease that ran out (its instance died) can be claimed again.
   */
  async claim(owner: string, limit: number, now: Date, leaseMs: number): Promise<ClaimedRow[]> {
    const at = now.toISOString();
    const rows = await this.db
      .updateTable('mail_outbox')
      .set({ claimed_by: owner, claimed_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('mail_outbox')
          .select('id')
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where('next_attempt_at', '<=', at)
          .where((inner) => inner.or([inner('claimed_until', 'is', null), inner('claimed_until', '<', at)]))
          .orderBy('next_attempt_at')
          .limit(limit)
          .$if(this.dialect === 'postgres', (query) => query.forUpdate().skipLocked()),
      )
      .returning(['id', 'kind', 'recipient', 'subject', 'text_body', 'html_body', 'payload', 'attempts', 'created_at'])
      .execute();
    return rows.map(toClaimed);
  }

  /**
   * Done: the mail was accepted by the server (or the job ran). Its bodies are erased (a link in them may still
   * work); the row stays for a while as a record. Only the owner of the lease may do it.
   */
  async markSent(id: string, owner: string, now: Date, db: Executor = this.db): Promise<void> {
    await db
      .updateTable('mail_outbox')
      .set({
        sent_at: now.toISOString(),
        claimed_until: null,
        text_body: null,
        html_body: null,
        payload: null,
        last_error: null,
      })
      .where('id', '=', id)
      .where('claimed_by', '=', owner)
      .execute();
  }

  /** Failed this time: due again at `nextAttemptAt`, free for any instance to claim then. */
  async markRetry(id: string, owner: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      .set({
        attempts,
        next_attempt_at: nextAttemptAt.toISOString(),
        claimed_until: null,
        last_error: error,
      })
      .where('id', '=', id)
      .where('claimed_by', '=', owner)
      .execute();
  }

  /** Given up: never tried again (its bodies are erased like a sent one's). */
  async markFailed(id: string, owner: string, attempts: number, now: Date, error: string): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      .set({
        attempts,
        failed_at: now.toISOString(),
        claimed_until: null,
        text_body: null,
        html_body: null,
        payload: null,
        last_error: error,
      })
      .where('id', '=', id)
      .where('claimed_by', '=', owner)
      .execute();
  }

  async state(): Promise<OutboxState> {
    const row = await this.db
      .selectFrom('mail_outbox')
      .select((eb) => [eb.fn.countAll<number | string>().as('depth'), eb.fn.min('created_at').as('oldest')])
      .where('sent_at', 'is', null)
      .where('failed_at', 'is', null)
      .executeTakeFirstOrThrow();
    return {
      depth: Number(row.depth),
      ...(row.oldest != null && { oldestCreatedAt: toDate(row.oldest as Date | string) }),
    };
  }

  /** Deletes the records of mails sent or given up before `before`. */
  async pruneFinishedBefore(before: Date): Promise<number> {
    const at = before.toISOString();
    const result = await this.db
      .deleteFrom('mail_outbox')
      .where((eb) => eb.or([eb('sent_at', '<', at), eb('failed_at', '<', at)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

type OutboxSelection = Pick<
  Selectable<MailOutboxTable>,
  'id' | 'kind' | 'recipient' | 'subject' | 'text_body' | 'html_body' | 'payload' | 'attempts' | 'created_at'
>;

function toClaimed(row: OutboxSelection): ClaimedRow {
  return {
    id: row.id,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    textBody: row.text_body,
    htmlBody: row.html_body,
    payload: row.payload,
    attempts: Number(row.attempts),
    createdAt: toDate(row.created_at),
  };
}
