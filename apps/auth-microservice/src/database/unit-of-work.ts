import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Kysely, Transaction } from 'kysely';
import { DATABASE } from './database.tokens';
import type { Database } from './database.types';

/** What repository methods run on: the database itself, or a transaction that `UnitOfWork.run` opened. */
export type Executor = Kysely<Database>;

/** A transaction in progress; repository methods that are only correct inside one take this type, not `Executor`. */
export type Tx = Transaction<Database>;

const committed = new WeakMap<Tx, Array<() => void>>();
const logger = new Logger('UnitOfWork');

/**
 * Runs `effect` once `trx` has committed (never if it rolls back): for what must not be told before the change is
 * durable, such as an audit log line or a counter. Effects run in order, after `run` resolves its transaction; one
 * that throws is logged and does not stop the others.
 */
export function afterCommit(trx: Tx, effect: () => void): void {
  const effects = committed.get(trx);
  if (!effects) throw new Error('afterCommit() on a transaction that UnitOfWork.run did not open');
  effects.push(effect);
}

/**
 * The one way the auth service opens a transaction: a service runs its steps in `run` and passes the transaction to
 * each repository method. Repositories never open one themselves, so what commits together is decided in one
 * place, the service, and reads as such. (The lint rules refuse `.transaction()` anywhere else.)
 */
@Injectable()
export class UnitOfWork {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async run<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    const effects: Array<() => void> = [];
    const result = await this.db.transaction().execute((trx) => {
      committed.set(trx, effects);
      return work(trx);
    });
    for (const effect of effects) {
      try {
        effect();
      } catch (error) {
        logger.error(`An after-commit effect failed: ${String(error)}`);
      }
    }
    return result;
  }
}
