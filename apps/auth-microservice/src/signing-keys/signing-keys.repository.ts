import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../database/database-errors';
import { DATABASE } from '../database/database.tokens';
import { type Database, toDate } from '../database/database.types';
import type { SigningKey } from './signing-key';

export interface StoredSigningKey extends SigningKey {
  /** PEM or sealed envelope, as stored. */
  privateKey: string;
}

@Injectable()
export class SigningKeysRepository {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async findAll(): Promise<StoredSigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('generation', 'desc').execute();
    return rows.map((row) => ({
      kid: row.kid,
      generation: row.generation,
      publicKey: row.public_key,
      privateKey: row.private_key,
      createdAt: toDate(row.created_at),
      activatesAt: toDate(row.activates_at),
    }));
  }

  /** False when another instance took this generation first (its key is the new one, then). */
  async insert(key: StoredSigningKey, algorithm: string): Promise<boolean> {
    try {
      await this.db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          generation: key.generation,
          algorithm,
          public_key: key.publicKey,
          private_key: key.privateKey,
          created_at: key.createdAt.toISOString(),
          activates_at: key.activatesAt.toISOString(),
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async updatePrivateKey(kid: string, privateKey: string): Promise<void> {
    await this.db.updateTable('signing_keys').set({ private_key: privateKey }).where('kid', '=', kid).execute();
  }

  async delete(kids: readonly string[]): Promise<void> {
    if (kids.length === 0) return;
    await this.db.deleteFrom('signing_keys').where('kid', 'in', kids).execute();
  }
}
