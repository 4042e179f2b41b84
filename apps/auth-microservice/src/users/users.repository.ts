import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation } from '../database/database-errors';
import { DATABASE } from '../database/database.tokens';
import { type Database, toDate, type UsersTable } from '../database/database.types';
import type { Executor } from '../database/unit-of-work';
import type { User } from './user';
import { usernameKey } from './username-key';
import { usernameSkeleton } from './username-skeleton';

@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** One INSERT; the unique indexes decide. False when the username, or a look-alike of it, is taken. */
  async insert(user: User, db: Executor = this.db): Promise<boolean> {
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
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'password_hash', 'created_at', 'disabled_at'])
      .where('username_normalized', '=', usernameKey(username))
      .executeTakeFirst();
    return row && toUser(row);
  }

  /** Whether the name, in any letter case, or a look-alike of it (same confusable skeleton) exists. */
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

  async findById(id: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'password_hash', 'created_at', 'disabled_at'])
      .where('id', '=', id)
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
}

function toUser(
  row: Pick<Selectable<UsersTable>, 'id' | 'username' | 'password_hash' | 'created_at' | 'disabled_at'>,
): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    createdAt: toDate(row.created_at),
    disabledAt: row.disabled_at === null ? null : toDate(row.disabled_at),
  };
}
