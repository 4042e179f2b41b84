import { Inject, Injectable } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { DATABASE } from './database.tokens';
import type { Database } from './database.types';

/** What repository methods run on: the database itself, or a transaction that `UnitOfWork.run` opened. */
export type Executor = Kysely<Database>;

/** A transaction in progress; repository methods that are only correct inside one take this type, not `Executor`. */
export type Tx = Transaction<Database>;

/**
 * The one way the auth service opens a transaction: a service runs its steps in `run` and passes the transaction to
 * each repository method. Repositories never open one themselves, so what commits together is decided in one
 * place, the service, and reads as such. (The lint rules refuse `.transaction()` anywhere else.)
 */
@Injectable()
export class UnitOfWork {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  run<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }
}
