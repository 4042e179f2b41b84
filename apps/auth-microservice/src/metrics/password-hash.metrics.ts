import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';

/** `hash` (sign-up, rehash), `verify` (login of an existing user), `verify_dummy` (login of an unknown one). */
export type PasswordHashOperation = 'hash' | 'verify' | 'verify_dummy';

/** argon2id takes tens of milliseconds with the OWASP parameters: finer buckets between 5 and 200 ms. */
export const PASSWORD_HASH_BUCKETS = [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1];

/** `auth_password_hash_duration_seconds`: the time every argon2 operation took. */
@Injectable()
export class PasswordHashMetrics {
  private readonly duration: Histogram<'operation'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'auth_password_hash_duration_seconds',
      help: 'Duration of argon2id operations, by operation (hash, verify, verify_dummy)',
      labelNames: ['operation'],
      buckets: PASSWORD_HASH_BUCKETS,
      registers: [registry],
    });
  }

  /** Runs `work` and records how long it took, also when it fails. */
  async time<T>(operation: PasswordHashOperation, work: () => Promise<T>): Promise<T> {
    const end = this.duration.startTimer({ operation });
    try {
      return await work();
    } finally {
      end();
    }
  }
}
