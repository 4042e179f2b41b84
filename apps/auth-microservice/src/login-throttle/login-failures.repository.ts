import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { DATABASE } from '../database/database.tokens';
import { type Database, toDate } from '../database/database.types';
import type { FailureStats } from './login-throttle.policy';

@Injectable()
export class LoginFailuresRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async record(usernameKey: string, clientIp: string, at: Date): Promise<void> {
    await this.db
      .insertInto('login_failures')
      .values({ id: uuidv7(), username_key: usernameKey, client_ip: clientIp, failed_at: at.toISOString() })
      .execute();
  }

  /** Failures since `since`: on the account from anywhere, and from this client. Two index range scans. */
  async stats(usernameKey: string, clientIp: string, since: Date): Promise<FailureStats> {
    const after = since.toISOString();
    const [account, client] = await Promise.all([
      this.db
        .selectFrom('login_failures')
        .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('failed_at').as('oldest')])
        .where('username_key', '=', usernameKey)
        .where('failed_at', '>', after)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('login_failures')
        .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.max('failed_at').as('latest')])
        .where('username_key', '=', usernameKey)
        .where('client_ip', '=', clientIp)
        .where('failed_at', '>', after)
        .executeTakeFirstOrThrow(),
    ]);
    return {
      accountFailures: Number(account.count),
      clientFailures: Number(client.count),
      ...(account.oldest !== null && { oldestAccountFailureAt: toDate(account.oldest) }),
      ...(client.latest !== null && { lastClientFailureAt: toDate(client.latest) }),
    };
  }

  /** A correct password from this client: its guesses so far stop counting against it. */
  async clearClient(usernameKey: string, clientIp: string): Promise<void> {
    await this.db
      .deleteFrom('login_failures')
      .where('username_key', '=', usernameKey)
      .where('client_ip', '=', clientIp)
      .execute();
  }

  async pruneBefore(before: Date): Promise<void> {
    await this.db.deleteFrom('login_failures').where('failed_at', '<=', before.toISOString()).execute();
  }
}
