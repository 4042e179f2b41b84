import { Inject, Injectable } from '@nestjs/common';
import { emailKey } from '@nestjs-microservices/shared';
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../database/database-errors';
import { DATABASE } from '../database/database.tokens';
import { type Database, toDate, type UsersTable } from '../database/database.types';
import type { Executor } from '../database/unit-of-work';
import type { User } from './user';
import { usernameKey } from './username-key';
import { usernameSkeleton } from './username-skeleton';

const USER_COLUMNS = [
  'id',
  'username',
  'password_hash',
  'created_at',
  'disabled_at',
  'email',
  'email_verified_at',
] as const;
type UserRow = Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>;

/** What `insert` answers: created, or which unique rule refused it. */
export type InsertOutcome = 'created' | 'username_taken' | 'email_taken';

/** Deleted accounts (tombstones, see migration 0008) are invisible here except to `isTaken`, which holds their names. */
@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** One INSERT; the unique indexes decide (username, its look-alikes, the address in any letter case). */
  async insert(user: User, db: Executor = this.db): Promise<InsertOutcome> {
    const createdAt = user.createdAt.toISOString();
    try {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          username_normalized: usernameKey(user.username),
          username_skeleton: usernameSkeleton(user.username),
          password_hash: user.passwordHash,
          created_at: createdAt,
          updated_at: createdAt,
          email: user.email,
          email_key: user.email === null ? null : emailKey(user.email),
          email_verified_at: user.emailVerifiedAt?.toISOString() ?? null,
        })
        .execute();
      return 'created';
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return /email/i.test(describeViolation(error)) ? 'email_taken' : 'username_taken';
    }
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('username_normalized', '=', usernameKey(username))
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && toUser(row);
  }

  /** The account holding `email` in any letter case. */
  async findByEmail(email: string, db: Executor = this.db): Promise<User | undefined> {
    const row = await db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('email_key', '=', emailKey(email))
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && toUser(row);
  }

  /** Whether the name, in any letter case, or a look-alike of it (same confusable skeleton) exists or is held. */
  async isTaken(username: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('username_normalized', '=', usernameKey(username)),
          eb('username_skeleton', '=', usernameSkeleton(username)),
        ]),
      )
      .executeTakeFirst();
    return row !== undefined;
  }

  async isEmailTaken(email: string, exceptUserId?: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('users')
      .select('id')
      .where('email_key', '=', emailKey(email))
      .$if(exceptUserId !== undefined, (query) => query.where('id', '!=', exceptUserId ?? ''))
      .executeTakeFirst();
    return row !== undefined;
  }

  async findById(id: string, db: Executor = this.db): Promise<User | undefined> {
    const row = await db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && toUser(row);
  }

  async updatePasswordHash(id: string, passwordHash: string, now: Date, db: Executor = this.db): Promise<void> {
    await db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Makes `email` the account's verified address. False when another account holds it meanwhile (the unique index
   * decides) or the account is gone.
   */
  async setVerifiedEmail(id: string, email: string, now: Date, db: Executor): Promise<boolean> {
    try {
      const result = await db
        .updateTable('users')
        .set({
          email,
          email_key: emailKey(email),
          email_verified_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** An address not verified yet, replacing an unverified one (or none). False when another account holds it. */
  async setUnverifiedEmail(id: string, email: string, now: Date, db: Executor): Promise<boolean> {
    try {
      const result = await db
        .updateTable('users')
        .set({ email, email_key: emailKey(email), email_verified_at: null, updated_at: now.toISOString() })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Turns the account into a tombstone: no password (an unusable marker no hash verifies), no address; the name stays
   * taken until `purgeDeletedBefore` removes the row.
   */
  async markDeleted(id: string, now: Date, db: Executor): Promise<boolean> {
    const result = await db
      .updateTable('users')
      .set({
        password_hash: DELETED_PASSWORD_HASH,
        email: null,
        email_key: null,
        email_verified_at: null,
        deleted_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Removes tombstones deleted before `before` (their sessions and tokens go with them). */
  async purgeDeletedBefore(before: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('users')
      .where('deleted_at', 'is not', null)
      .where('deleted_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Not a PHC string: no verifier accepts any password against it. */
export const DELETED_PASSWORD_HASH = '!deleted';

function describeViolation(error: unknown): string {
  const { message, constraint } = error as { message?: unknown; constraint?: unknown };
  return `${typeof constraint === 'string' ? constraint : ''} ${typeof message === 'string' ? message : ''}`;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: toDate(row.created_at),
    disabledAt: row.disabled_at === null ? null : toDate(row.disabled_at),
    email: row.email,
    emailVerifiedAt: row.email_verified_at == null ? null : toDate(row.email_verified_at),
  };
}
