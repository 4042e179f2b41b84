import { Inject, Injectable } from '@nestjs/common';
import { type Kysely, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { DATABASE, DATABASE_DIALECT } from '../database/database.tokens';
import { type Database, type Dialect, toDate } from '../database/database.types';
import type { Executor, Tx } from '../database/unit-of-work';
import type { FailureStats } from './login-throttle.policy';

/** The first key of the PostgreSQL advisory locks taken here (two-key form); the second is the account's. */
const THROTTLE_LOCK_SPACE = 0x6c746872;

/** What the throttle knows of one account and one client before an attempt. */
export interface ThrottleState extends Omit<FailureStats, 'knownClient'> {
  lastSuccessAt?: Date;
}

export interface ThrottleWindows {
  /** Failures after this count. */
  failuresSince: Date;
}

@Injectable()
export class LoginFailuresRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(DATABASE_DIALECT) private readonly dialect: Dialect,
  ) {}

  /**
   * Serialises the throttle's transactions on one account, on any instance: on PostgreSQL a transaction-scoped
   * advisory lock (READ COMMITTED: the reads that follow it see every reservation committed before it). SQLite needs
   * none: the transaction holds the one connection, and another process writing meanwhile makes its insert fail
   * (its snapshot is stale), never interleave.
   */
  async lockAccount(trx: Tx, usernameKey: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(${sql.lit(THROTTLE_LOCK_SPACE)}, hashtext(${usernameKey}))`.execute(trx);
  }

  async recordFailure(trx: Tx, usernameKey: string, clientKey: string, now: Date): Promise<void> {
    await trx
      .insertInto('login_failures')
      .values({ id: uuidv7(), username_key: usernameKey, client_ip: clientKey, failed_at: now.toISOString() })
      .execute();
  }

  /** Failures in the window on the account and from this client, and this client's last login: one statement. */
  async state(
    trx: Tx,
    usernameKey: string,
    clientKey: string,
    { failuresSince }: ThrottleWindows,
  ): Promise<ThrottleState> {
    const after = failuresSince.toISOString();
    const row = await trx
      .selectNoFrom((eb) => {
        const account = () =>
          eb.selectFrom('login_failures').where('username_key', '=', usernameKey).where('failed_at', '>', after);
        const client = () => account().where('client_ip', '=', clientKey);
        return [
          account()
            .select((inner) => inner.fn.countAll<number | string>().as('n'))
            .as('account_failures'),
          account()
            .select((inner) => inner.fn.min('failed_at').as('t'))
            .as('oldest_account_failure'),
          client()
            .select((inner) => inner.fn.countAll<number | string>().as('n'))
            .as('client_failures'),
          client()
            .select((inner) => inner.fn.max('failed_at').as('t'))
            .as('last_client_failure'),
          eb
            .selectFrom('login_known_clients')
            .select('last_success_at')
            .where('username_key', '=', usernameKey)
            .where('client_key', '=', clientKey)
            .as('last_success'),
        ];
      })
      .executeTakeFirstOrThrow();
    return {
      accountFailures: Number(row.account_failures ?? 0),
      clientFailures: Number(row.client_failures ?? 0),
      ...(row.oldest_account_failure != null && { oldestAccountFailureAt: toDate(row.oldest_account_failure) }),
      ...(row.last_client_failure != null && { lastClientFailureAt: toDate(row.last_client_failure) }),
      ...(row.last_success != null && { lastSuccessAt: toDate(row.last_success) }),
    };
  }

  /** A correct password from this client: its failures (the reservation of this attempt included) stop counting. */
  async clearFailures(usernameKey: string, clientKey: string, db: Executor = this.db): Promise<void> {
    await db
      .deleteFrom('login_failures')
      .where('username_key', '=', usernameKey)
      .where('client_ip', '=', clientKey)
      .execute();
  }

  /** Every failure counted against the account, from any client (a password reset starts it afresh). */
  async clearAccount(usernameKey: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('username_key', '=', usernameKey).execute();
  }

  async recordKnownClient(trx: Tx, usernameKey: string, clientKey: string, at: Date): Promise<void> {
    await trx
      .insertInto('login_known_clients')
      .values({ username_key: usernameKey, client_key: clientKey, last_success_at: at.toISOString() })
      .onConflict((oc) => oc.columns(['username_key', 'client_key']).doUpdateSet({ last_success_at: at.toISOString() }))
      .execute();
  }

  async pruneBefore(failuresBefore: Date, knownClientsBefore: Date): Promise<void> {
    await this.db.deleteFrom('login_failures').where('failed_at', '<=', failuresBefore.toISOString()).execute();
    await this.db
      .deleteFrom('login_known_clients')
      .where('last_success_at', '<=', knownClientsBefore.toISOString())
      .execute();
  }
}
