import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { DATABASE, DATABASE_DIALECT } from '../database/database.tokens';
import { type Database, type Dialect, type SessionsTable, toDate } from '../database/database.types';
import type { Executor, Tx } from '../database/unit-of-work';
import type { RevocationReason, Session } from './session';

/** At most this many sessions are ended by one login (a lowered limit catches up over the next logins). */
const EVICTION_BATCH = 500;

export interface RefreshTokenRow {
  sessionId: string;
  usedAt: Date | null;
}

/** The account of a session being refreshed. */
export interface RefreshedAccount {
  username: string;
  disabled: boolean;
  email: string | null;
  emailVerified: boolean;
}

/** A session read under its row lock, with the key of its refresh chain (null until its first rotation after 0006). */
export interface LockedSession {
  session: Session;
  refreshSecret: string | null;
}

@Injectable()
export class SessionsRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(DATABASE_DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * The session and its first refresh token; also ends the user's sessions beyond `maxActive` (least recently used
   * first) and returns the ids it ended. In a transaction, so the limit holds however many logins run at once.
   */
  async create(
    trx: Tx,
    session: Session,
    refreshSecret: string,
    tokenHash: string,
    maxActive: number,
  ): Promise<string[]> {
    await trx
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        created_at: session.createdAt.toISOString(),
        last_used_at: session.lastUsedAt.toISOString(),
        idle_expires_at: session.idleExpiresAt.toISOString(),
        expires_at: session.expiresAt.toISOString(),
        ip: session.ip,
        user_agent: session.userAgent,
        refresh_secret: refreshSecret,
      })
      .execute();
    await this.insertToken(trx, tokenHash, session.id, session.createdAt);
    return this.revokeBeyond(trx, session.userId, maxActive, session.createdAt);
  }

  async findToken(db: Executor, tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const row = await db
      .selectFrom('refresh_tokens')
      .select(['session_id', 'used_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row && { sessionId: row.session_id, usedAt: row.used_at === null ? null : toDate(row.used_at) };
  }

  /**
   * Reads a session and, on PostgreSQL, locks its row until the transaction ends: refreshes and revocations of one
   * session run one after the other. (SQLite runs one write transaction at a time anyway.)
   */
  async lockSession(trx: Tx, id: string): Promise<LockedSession | undefined> {
    const row = await trx
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
    return row && { session: toSession(row), refreshSecret: row.refresh_secret };
  }

  /** Which of these refresh tokens of the session exist, and their use: token hash → used at (or null). */
  async findTokensOf(trx: Tx, sessionId: string, tokenHashes: string[]): Promise<Map<string, Date | null>> {
    const rows = await trx
      .selectFrom('refresh_tokens')
      .select(['token_hash', 'used_at'])
      .where('session_id', '=', sessionId)
      .where('token_hash', 'in', tokenHashes)
      .execute();
    return new Map(rows.map((row) => [row.token_hash, row.used_at === null ? null : toDate(row.used_at)]));
  }

  /** False when another request used the token first. */
  async markTokenUsed(trx: Tx, tokenHash: string, now: Date): Promise<boolean> {
    const result = await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async insertToken(db: Executor, tokenHash: string, sessionId: string, now: Date): Promise<void> {
    await db
      .insertInto('refresh_tokens')
      .values({ token_hash: tokenHash, session_id: sessionId, created_at: now.toISOString() })
      .execute();
  }

  /** Marks the session used now; `refreshSecret` gives a session from before migration 0006 its chain key. */
  async touch(trx: Tx, id: string, now: Date, idleExpiresAt: Date, refreshSecret?: string): Promise<void> {
    await trx
      .updateTable('sessions')
      .set({ last_used_at: now.toISOString(), idle_expires_at: idleExpiresAt.toISOString() })
      .$if(refreshSecret !== undefined, (query) => query.set({ refresh_secret: refreshSecret ?? null }))
      .where('id', '=', id)
      .execute();
  }

  /** What a refresh needs of the account: what its new access token says, and whether it is disabled; undefined once deleted. */
  async accountOf(db: Executor, userId: string): Promise<RefreshedAccount | undefined> {
    const row = await db
      .selectFrom('users')
      .select(['username', 'disabled_at', 'email', 'email_verified_at'])
      .where('id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return (
      row && {
        username: row.username,
        disabled: row.disabled_at !== null,
        email: row.email,
        emailVerified: row.email_verified_at != null,
      }
    );
  }

  /** Notes a password login on the account (`last_login_at`), with the session it started. */
  async markLogin(trx: Tx, userId: string, now: Date): Promise<void> {
    await trx.updateTable('users').set({ last_login_at: now.toISOString() }).where('id', '=', userId).execute();
  }

  async findOfUser(id: string, userId: string): Promise<Session | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toSession(row);
  }

  async listActive(userId: string, now: Date): Promise<Session[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('idle_expires_at', '>', now.toISOString())
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toSession);
  }

  /**
   * Revokes the user's active sessions that match: one (`only`), all but one (`except`), or all. Returns the ids
   * it revoked, with the time written.
   */
  async revoke(
    filter: { userId: string; only?: string; except?: string },
    reason: RevocationReason,
    now: Date,
    db: Executor = this.db,
  ): Promise<string[]> {
    const rows = await db
      .updateTable('sessions')
      .set({ revoked_at: now.toISOString(), revoked_reason: reason })
      .where('user_id', '=', filter.userId)
      .where('revoked_at', 'is', null)
      .where('idle_expires_at', '>', now.toISOString())
      .$if(filter.only !== undefined, (query) => query.where('id', '=', filter.only ?? ''))
      .$if(filter.except !== undefined, (query) => query.where('id', '!=', filter.except ?? ''))
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /**
   * Revokes the user's active sessions beyond the `keep` most recently used (newest first by last use, then by
   * creation), and returns their ids. Concurrent logins of one user may each miss the other's uncommitted session and
   * leave one more than `keep` for a moment; the next login ends it.
   */
  async revokeBeyond(db: Executor, userId: string, keep: number, now: Date): Promise<string[]> {
    const excess = await db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('idle_expires_at', '>', now.toISOString())
      .orderBy('last_used_at', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .offset(keep)
      .limit(EVICTION_BATCH)
      .execute();
    if (excess.length === 0) return [];
    const rows = await db
      .updateTable('sessions')
      .set({ revoked_at: now.toISOString(), revoked_reason: 'session_limit' })
      .where(
        'id',
        'in',
        excess.map((row) => row.id),
      )
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Sessions revoked after `since`, oldest first. */
  /** The refresh tokens of every session of the user (an account deletion: none may be presented again). */
  async deleteRefreshTokensOfUser(trx: Tx, userId: string): Promise<void> {
    await trx
      .deleteFrom('refresh_tokens')
      .where('session_id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('user_id', '=', userId))
      .execute();
  }

  async revokedSince(since: Date): Promise<Array<{ id: string; revokedAt: Date }>> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'revoked_at'])
      .where('revoked_at', '>', since.toISOString())
      .orderBy('revoked_at')
      .execute();
    return rows.map((row) => ({ id: row.id, revokedAt: toDate(row.revoked_at ?? since) }));
  }

  async countActive(now: Date): Promise<number> {
    const row = await this.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('revoked_at', 'is', null)
      .where('idle_expires_at', '>', now.toISOString())
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Deletes sessions (and, by cascade, their refresh tokens) revoked or expired before `before`. */
  async deleteEndedBefore(before: Date): Promise<number> {
    const cutoff = before.toISOString();
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('revoked_at', '<', cutoff), eb('idle_expires_at', '<', cutoff)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDate(row.last_used_at),
    idleExpiresAt: toDate(row.idle_expires_at),
    expiresAt: toDate(row.expires_at),
    ip: row.ip,
    userAgent: row.user_agent,
    revokedAt: row.revoked_at === null ? null : toDate(row.revoked_at),
  };
}
