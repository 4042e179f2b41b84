import { Inject, Injectable } from '@nestjs/common';
import { type ExpressionBuilder, type Kysely, type RawBuilder, sql } from 'kysely';
import type { AdminUserStatus } from '@nestjs-microservices/shared';
import { DATABASE, DATABASE_DIALECT } from '../database/database.tokens';
import { type Database, type Dialect, toDate } from '../database/database.types';
import type { Tx } from '../database/unit-of-work';

/** An account as administration reads it (no hash). */
export interface AccountRow {
  id: string;
  username: string;
  /** The case-folded name: the order of the list, and its cursor. */
  key: string;
  createdAt: Date;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
}

export interface AccountSearch {
  /** Case-folded prefix of the username. */
  prefix?: string;
  status?: AdminUserStatus;
  /** Only accounts after this key (the last one of the previous page). */
  after?: string;
  limit: number;
}

/** Greater than any character a username can hold: `[prefix, prefix + this)` is every name starting with `prefix`. */
const ABOVE_ANY_CHARACTER = '\u{10FFFF}';

const COLUMNS = ['id', 'username', 'username_normalized', 'created_at', 'disabled_at', 'last_login_at'] as const;

type Row = {
  id: string;
  username: string;
  username_normalized: string;
  created_at: Date | string;
  disabled_at: Date | string | null;
  last_login_at: Date | string | null;
};

@Injectable()
export class AdminUsersRepository {
  /** The search key in byte order (PostgreSQL: the `COLLATE "C"` index of migration 0011; SQLite: always). */
  private readonly key: RawBuilder<string>;

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(DATABASE_DIALECT) private readonly dialect: Dialect,
  ) {
    this.key =
      dialect === 'postgres'
        ? sql<string>`users.username_normalized COLLATE "C"`
        : sql<string>`users.username_normalized`;
  }

  /**
   * A page of accounts in the order of their case-folded names (unique: a stable order), found by a range scan of
   * the name index: as fast at a million accounts as at ten.
   */
  async search(search: AccountSearch): Promise<AccountRow[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(COLUMNS)
      .where('deleted_at', 'is', null)
      .$if(search.prefix !== undefined && search.prefix !== '', (query) =>
        query.where((eb) => this.matches(eb, search.prefix ?? '')),
      )
      .$if(search.status === 'active', (query) => query.where('disabled_at', 'is', null))
      .$if(search.status === 'disabled', (query) => query.where('disabled_at', 'is not', null))
      .$if(search.after !== undefined, (query) => query.where(this.key, '>', search.after ?? ''))
      .orderBy(this.key)
      .limit(search.limit)
      .execute();
    return rows.map(toAccount);
  }

  /**
   * What a search term matches: the username prefix. The hook for email search (its column is being added
   * elsewhere): `eb.or([<this>, <email_normalized in [prefix, prefix + ABOVE_ANY_CHARACTER)>])`, with a byte-order
   * index on that column too, and a cursor that names which of the two lists it is in.
   */
  private matches(eb: ExpressionBuilder<Database, 'users'>, prefix: string) {
    return eb.and([eb(this.key, '>=', prefix), eb(this.key, '<', `${prefix}${ABOVE_ANY_CHARACTER}`)]);
  }

  async find(id: string): Promise<AccountRow | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(COLUMNS)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && toAccount(row);
  }

  /** Reads the account and, on PostgreSQL, locks its row until `trx` ends; undefined when unknown or deleted. */
  async lock(trx: Tx, id: string): Promise<AccountRow | undefined> {
    const row = await trx
      .selectFrom('users')
      .select(COLUMNS)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .$if(this.dialect === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
    return row && toAccount(row);
  }

  async setDisabled(trx: Tx, id: string, disabledAt: Date | null, now: Date): Promise<void> {
    await trx
      .updateTable('users')
      .set({ disabled_at: disabledAt === null ? null : disabledAt.toISOString(), updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /**
   * What an account's deletion removes beside the user row's own tombstone (`UsersRepository.markDeleted`): its roles,
   * its link tokens and its refresh tokens.
   */
  async removeBelongings(trx: Tx, id: string): Promise<void> {
    await trx.deleteFrom('user_roles').where('user_id', '=', id).execute();
    await trx.deleteFrom('account_tokens').where('user_id', '=', id).execute();
    await trx
      .deleteFrom('refresh_tokens')
      .where('session_id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('user_id', '=', id))
      .execute();
  }
}

function toAccount(row: Row): AccountRow {
  return {
    id: row.id,
    username: row.username,
    key: row.username_normalized,
    createdAt: toDate(row.created_at),
    disabledAt: row.disabled_at === null ? null : toDate(row.disabled_at),
    lastLoginAt: row.last_login_at === null ? null : toDate(row.last_login_at),
  };
}
