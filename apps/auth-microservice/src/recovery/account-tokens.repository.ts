import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { DATABASE } from '../database/database.tokens';
import type { AccountTokenPurpose, Database } from '../database/database.types';
import type { Executor, Tx } from '../database/unit-of-work';

export interface NewAccountToken {
  hash: string;
  userId: string;
  purpose: AccountTokenPurpose;
  email?: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Single-use tokens of verification and reset links, by SHA-256 (see `account-token.ts`). */
@Injectable()
export class AccountTokensRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async insert(trx: Tx, token: NewAccountToken): Promise<void> {
    await trx
      .insertInto('account_tokens')
      .values({
        token_hash: token.hash,
        user_id: token.userId,
        purpose: token.purpose,
        email: token.email ?? null,
        created_at: token.createdAt.toISOString(),
        expires_at: token.expiresAt.toISOString(),
      })
      .execute();
  }

  /**
   * Uses the token, if it is of this purpose, unused and unexpired: one UPDATE, so of two concurrent uses exactly one
   * gets the row back. The caller's transaction decides whether the use stands (a rollback gives it back).
   */
  async consume(
    trx: Tx,
    hash: string,
    purpose: AccountTokenPurpose,
    now: Date,
  ): Promise<{ userId: string; email: string | null } | undefined> {
    const row = await trx
      .updateTable('account_tokens')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .returning(['user_id', 'email'])
      .executeTakeFirst();
    return row && { userId: row.user_id, email: row.email };
  }

  /** Whether the token would be accepted now (read only: `consume` decides, in the transaction that uses it). */
  async isUsable(hash: string, purpose: AccountTokenPurpose, now: Date): Promise<boolean> {
    const row = await this.db
      .selectFrom('account_tokens')
      .select('user_id')
      .where('token_hash', '=', hash)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Every outstanding token of this purpose of the user stops working. */
  async invalidate(trx: Tx, userId: string, purpose: AccountTokenPurpose, now: Date): Promise<void> {
    await trx
      .updateTable('account_tokens')
      .set({ used_at: now.toISOString() })
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .execute();
  }

  /** The address of the user's newest unused, unexpired verification link (a change waiting to be verified). */
  async pendingEmail(userId: string, now: Date): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('account_tokens')
      .select('email')
      .where('user_id', '=', userId)
      .where('purpose', '=', 'email_verification')
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.email ?? undefined;
  }

  /** How many tokens of this purpose the user was given since `since` (the per-account mail budget). */
  async countSince(userId: string, purpose: AccountTokenPurpose, since: Date, db: Executor = this.db): Promise<number> {
    const row = await db
      .selectFrom('account_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('purpose', '=', purpose)
      .where('created_at', '>', since.toISOString())
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async deleteOfUser(trx: Tx, userId: string): Promise<void> {
    await trx.deleteFrom('account_tokens').where('user_id', '=', userId).execute();
  }

  /** Tokens that expired before `before` are of use to nobody (the per-account budgets look back an hour at most). */
  async pruneExpiredBefore(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('account_tokens')
      .where('expires_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
