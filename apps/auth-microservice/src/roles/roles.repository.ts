import { Inject, Injectable } from '@nestjs/common';
import { type Kysely, sql } from 'kysely';
import { DATABASE, DATABASE_DIALECT } from '../database/database.tokens';
import type { Database, Dialect } from '../database/database.types';
import type { Executor, Tx } from '../database/unit-of-work';

export const ADMIN_ROLE = 'admin';

/** Any fixed number: the PostgreSQL advisory lock every change to the set of active administrators takes. */
const ADMIN_SET_LOCK = 2_020_000_020;

@Injectable()
export class RolesRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(DATABASE_DIALECT) private readonly dialect: Dialect,
  ) {}

  /** The user's roles, sorted. */
  async rolesOf(userId: string, db: Executor = this.db): Promise<string[]> {
    const rows = await db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', userId)
      .orderBy('role')
      .execute();
    return rows.map((row) => row.role);
  }

  /** The roles of each of these users (sorted); a user without any is absent. */
  async rolesOfMany(userIds: readonly string[]): Promise<Map<string, string[]>> {
    const roles = new Map<string, string[]>();
    if (userIds.length === 0) return roles;
    const rows = await this.db
      .selectFrom('user_roles')
      .select(['user_id', 'role'])
      .where('user_id', 'in', [...userIds])
      .orderBy('role')
      .execute();
    for (const row of rows) roles.set(row.user_id, [...(roles.get(row.user_id) ?? []), row.role]);
    return roles;
  }

  /** Grants the roles the user does not hold yet; returns those it granted. */
  async grant(trx: Tx, userId: string, roles: readonly string[], now: Date): Promise<string[]> {
    const held = new Set(await this.rolesOf(userId, trx));
    const added = [...new Set(roles)].filter((role) => !held.has(role)).sort();
    if (added.length > 0) {
      await trx
        .insertInto('user_roles')
        .values(added.map((role) => ({ user_id: userId, role, granted_at: now.toISOString() })))
        .onConflict((conflict) => conflict.doNothing())
        .execute();
    }
    return added;
  }

  /** Takes the roles away; returns those the user held. */
  async revoke(trx: Tx, userId: string, roles: readonly string[]): Promise<string[]> {
    if (roles.length === 0) return [];
    const rows = await trx
      .deleteFrom('user_roles')
      .where('user_id', '=', userId)
      .where('role', 'in', [...new Set(roles)])
      .returning('role')
      .execute();
    return rows.map((row) => row.role).sort();
  }

  /**
   * Serialises every change that can reduce the active administrators until `trx` ends, so that two of them
   * (two admins demoting each other) cannot both see the other one still there. PostgreSQL: a transaction-level
   * advisory lock; SQLite runs one write transaction at a time anyway.
   */
  async lockAdminSet(trx: Tx): Promise<void> {
    if (this.dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`.execute(trx);
  }

  /** Active administrators (holding `admin`, neither disabled nor deleted), other than `except`. */
  async countActiveAdmins(trx: Tx, except: string): Promise<number> {
    const row = await trx
      .selectFrom('user_roles')
      .innerJoin('users', 'users.id', 'user_roles.user_id')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('user_roles.role', '=', ADMIN_ROLE)
      .where('users.disabled_at', 'is', null)
      .where('users.deleted_at', 'is', null)
      .where('users.id', '!=', except)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** Whether the user holds the role now. */
  async holds(userId: string, role: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', userId)
      .where('role', '=', role)
      .executeTakeFirst();
    return row !== undefined;
  }
}
