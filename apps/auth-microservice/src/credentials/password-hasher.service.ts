import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type Algorithm, hash, type Options, parseOptions, verify } from '@node-rs/argon2';
import { AuthConfig } from '../config/auth-config';
import { PasswordHashMetrics } from '../metrics/password-hash.metrics';
import { ConcurrencyLimit, hashConcurrency } from './concurrency-limit';

// `Algorithm` is an ambient const enum, which isolated-module builds cannot inline.
const ARGON2ID = 2 as Algorithm;

/**
 * argon2id hashing. The work runs on libuv's thread pool, so the event loop never blocks on it, and at most
 * `hashConcurrency()` operations run at once (one per core): the others wait in turn, so a login flood holds a few
 * argon2 buffers (19 MiB each), not one per thread, and leaves the rest of the pool to the process's other work.
 * Each operation is timed in `auth_password_hash_duration_seconds` (the hash itself, not the wait for its turn).
 */
@Injectable()
export class PasswordHasher implements OnModuleInit {
  private readonly options: Options;
  private dummyHash: string | undefined;
  private readonly limit = new ConcurrencyLimit(hashConcurrency());

  constructor(
    config: AuthConfig,
    private readonly metrics: PasswordHashMetrics,
  ) {
    this.options = {
      algorithm: ARGON2ID,
      memoryCost: config.argon2.memoryKib,
      timeCost: config.argon2.timeCost,
      parallelism: config.argon2.parallelism,
    };
  }

  async onModuleInit(): Promise<void> {
    this.dummyHash = await this.newDummyHash();
  }

  hash(password: string): Promise<string> {
    return this.limit.run(() => this.metrics.time('hash', () => hash(password, this.options)));
  }

  /** False for a wrong password and for a stored value that is not a valid argon2 hash. */
  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.limit.run(() => this.metrics.time('verify', () => verifyOrFalse(passwordHash, password)));
  }

  /**
   * The same work as verifying a real account, for a username that does not exist, so that the
   * answer time does not reveal whether an account exists. Always false.
   */
  async verifyDummy(password: string): Promise<false> {
    const dummyHash = (this.dummyHash ??= await this.newDummyHash());
    await this.limit.run(() => this.metrics.time('verify_dummy', () => verifyOrFalse(dummyHash, password)));
    return false;
  }

  /** Not timed as `hash`: it is no one's password. */
  private newDummyHash(): Promise<string> {
    return this.limit.run(() => hash(randomBytes(32).toString('base64url'), this.options));
  }

  /** True when the hash is not argon2id or was made with weaker parameters than configured now. */
  needsRehash(passwordHash: string): boolean {
    try {
      const used = parseOptions(passwordHash);
      return (
        used.algorithm !== ARGON2ID ||
        used.memoryCost < (this.options.memoryCost ?? 0) ||
        used.timeCost < (this.options.timeCost ?? 0) ||
        used.parallelism < (this.options.parallelism ?? 0)
      );
    } catch {
      return true;
    }
  }
}

async function verifyOrFalse(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
