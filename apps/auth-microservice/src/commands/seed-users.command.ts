import { randomBytes } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypedConfigModule } from '@nestjs-microservices/runtime';
import {
  isCommonPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  USERNAME_CHARACTERS,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
} from '@nestjs-microservices/shared';
import type { Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { uuidv7 } from 'uuidv7';
import { AuthConfig } from '../config/auth-config';
import { PasswordHasher } from '../credentials/password-hasher.service';
import { DatabaseModule } from '../database/database.module';
import { DATABASE } from '../database/database.tokens';
import type { Database } from '../database/database.types';
import { UnitOfWork } from '../database/unit-of-work';
import { PasswordHashMetrics } from '../metrics/password-hash.metrics';
import { usernameKey } from '../users/username-key';
import { usernameSkeleton } from '../users/username-skeleton';

/** Rows per INSERT: 6 parameters each, far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
export const ROWS_PER_INSERT = 1_000;
/** INSERTs per transaction: one commit (one fsync) per 10,000 users. */
export const INSERTS_PER_TRANSACTION = 10;
const MAX_COUNT = 10_000_000;

export interface SeedOptions {
  count: number;
  prefix: string;
  /** The password every seeded user gets; undefined = a random one, printed once. */
  password?: string;
  force: boolean;
}

export const SEED_USAGE =
  'Usage: main.js users:seed <count> [--prefix <name>] [--password <password>] [--force]\n' +
  '  Inserts <count> users named <prefix>0 … <prefix><count-1>, all with one password (hashed once).';

/** Parses `users:seed`'s arguments (those after the command name); throws with the usage on a mistake. */
export function parseSeedArgs(args: readonly string[]): SeedOptions {
  const options: SeedOptions = { count: Number.NaN, prefix: 'seed_', force: false };
  const fail = (problem: string): never => {
    throw new Error(`${problem}\n${SEED_USAGE}`);
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const value = (): string => args[++i] ?? fail(`${arg} needs a value`);
    if (arg === '--prefix') options.prefix = value();
    else if (arg === '--password') options.password = value();
    else if (arg === '--force') options.force = true;
    else if (/^\d+$/.test(arg) && Number.isNaN(options.count)) options.count = Number(arg);
    else fail(`Unexpected argument "${arg}"`);
  }
  if (!Number.isSafeInteger(options.count) || options.count < 1 || options.count > MAX_COUNT) {
    fail(`<count> must be a whole number from 1 to ${MAX_COUNT}`);
  }
  const first = `${options.prefix}0`;
  const last = `${options.prefix}${options.count - 1}`;
  if (!USERNAME_CHARACTERS.test(first) || first.length < USERNAME_MIN_LENGTH || last.length > USERNAME_MAX_LENGTH) {
    fail(
      `--prefix "${options.prefix}" does not make valid usernames (${USERNAME_MIN_LENGTH}–${USERNAME_MAX_LENGTH} ` +
        'letters, digits, ".", "_" or "-")',
    );
  }
  const { password } = options;
  if (password !== undefined) {
    const length = [...password.normalize('NFKC')].length;
    if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH || isCommonPassword(password)) {
      fail(`--password must be ${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters and not a common password`);
    }
  }
  return options;
}

/** Half-open index ranges [start, end) of at most `size` items covering 0 … count-1. */
export function* batches(count: number, size: number): Generator<{ start: number; end: number }> {
  for (let start = 0; start < count; start += size) yield { start, end: Math.min(count, start + size) };
}

export interface SeedResult {
  inserted: number;
  /** Names that existed already (in any letter case): left as they were. */
  skipped: number;
}

/**
 * Inserts users `<prefix><i>` for i in [0, count), every one with `passwordHash`, in multi-row INSERTs of
 * ROWS_PER_INSERT rows, INSERTS_PER_TRANSACTION of them per transaction. A name that exists is skipped (the unique
 * index on the case-folded name decides, as for a sign-up), so a second run with the same prefix adds nothing.
 */
export async function insertSeedUsers(
  db: Kysely<Database>,
  options: { count: number; prefix: string; passwordHash: string },
  onProgress: (done: number) => void = () => undefined,
): Promise<SeedResult> {
  let inserted = 0;
  const rowsPerTransaction = ROWS_PER_INSERT * INSERTS_PER_TRANSACTION;
  for (const chunk of batches(options.count, rowsPerTransaction)) {
    inserted += await new UnitOfWork(db).run(async (trx) => {
      let count = 0;
      for (const batch of batches(chunk.end - chunk.start, ROWS_PER_INSERT)) {
        const now = new Date().toISOString();
        const rows = [];
        for (let i = chunk.start + batch.start; i < chunk.start + batch.end; i += 1) {
          const username = `${options.prefix}${i}`;
          rows.push({
            id: uuidv7(),
            username,
            username_normalized: usernameKey(username),
            username_skeleton: usernameSkeleton(username),
            password_hash: options.passwordHash,
            created_at: now,
            updated_at: now,
          });
        }
        const [result] = await trx
          .insertInto('users')
          .values(rows)
          .onConflict((conflict) => conflict.doNothing())
          .execute();
        count += Number(result?.numInsertedOrUpdatedRows ?? 0);
      }
      return count;
    });
    onProgress(chunk.end);
  }
  return { inserted, skipped: options.count - inserted };
}

@Module({})
class SeedUsersModule {
  static register(config: AuthConfig): DynamicModule {
    return { module: SeedUsersModule, imports: [TypedConfigModule.forRoot(AuthConfig, config), DatabaseModule] };
  }
}

/**
 * `main.js users:seed <count> [--prefix name] [--password pw]`: bulk-inserts test users into the configured
 * database (SQLite or PostgreSQL, migrated first), for load tests. The password is hashed once, with the service's
 * ARGON2_* parameters (so no login rehashes it), and that hash is stored for every user. Refused when
 * NODE_ENV=production unless --force is given.
 */
export async function seedUsers(config: AuthConfig, args: readonly string[] = process.argv.slice(3)): Promise<void> {
  const options = parseSeedArgs(args);
  if (config.nodeEnv === 'production' && !options.force) {
    throw new Error('users:seed creates accounts with a known password: refused with NODE_ENV=production (--force)');
  }
  const password = options.password ?? randomBytes(18).toString('base64url');
  const hasher = new PasswordHasher(config, new PasswordHashMetrics(new Registry()));
  const passwordHash = await hasher.hash(password);
  const app = await NestFactory.createApplicationContext(SeedUsersModule.register(config), {
    logger: ['error', 'warn'],
  });
  try {
    const started = performance.now();
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const step = Math.max(100_000, ROWS_PER_INSERT * INSERTS_PER_TRANSACTION);
    const { inserted, skipped } = await insertSeedUsers(
      app.get<Kysely<Database>>(DATABASE),
      { count: options.count, prefix: options.prefix, passwordHash },
      (done) => {
        if (done % step === 0 && done < options.count) out(`  ${done.toLocaleString('en-US')} …`);
      },
    );
    const seconds = ((performance.now() - started) / 1_000).toFixed(1);
    out(
      `Seeded ${inserted} users ${options.prefix}0…${options.prefix}${options.count - 1} in ${seconds} s` +
        (skipped ? ` (${skipped} existed already and were left as they were)` : ''),
    );
    if (options.password === undefined) out(`Their password: ${password}`);
  } finally {
    await app.close();
  }
}
