import { Injectable } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_CODES, type ErrorCode, isRpcErrorBody } from '@nestjs-microservices/shared';
import { Counter, Registry } from 'prom-client';

export const LOGIN_OUTCOMES = ['success', 'invalid_credentials', 'throttled', 'error'] as const;
export const SIGNUP_OUTCOMES = ['created', 'username_taken', 'error'] as const;
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];
export type SignupOutcome = (typeof SIGNUP_OUTCOMES)[number];

const LOGIN_FAILURES = new Map<ErrorCode | undefined, LoginOutcome>([
  [ERROR_CODES.INVALID_CREDENTIALS, 'invalid_credentials'],
  [ERROR_CODES.TOO_MANY_ATTEMPTS, 'throttled'],
]);

/**
 * `auth_login_attempts_total` and `auth_signups_total`, by outcome. `error` is anything else that
 * ended the attempt (the database failing, a bug). Every outcome is exported from the start at 0,
 * so a rate over a fresh process is defined.
 */
@Injectable()
export class AccountMetrics {
  private readonly logins: Counter<'outcome'>;
  private readonly signups: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.logins = new Counter({
      name: 'auth_login_attempts_total',
      help: 'Login attempts, by outcome (success, invalid_credentials, throttled, error)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.signups = new Counter({
      name: 'auth_signups_total',
      help: 'Sign-ups, by outcome (created, username_taken, error)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    for (const outcome of LOGIN_OUTCOMES) this.logins.inc({ outcome }, 0);
    for (const outcome of SIGNUP_OUTCOMES) this.signups.inc({ outcome }, 0);
  }

  /** Runs one login attempt and counts it by how it ended. */
  countLogin<T>(attempt: () => Promise<T>): Promise<T> {
    return counted(this.logins, attempt, 'success', (code) => LOGIN_FAILURES.get(code) ?? 'error');
  }

  /** Runs one sign-up and counts it by how it ended. */
  countSignup<T>(attempt: () => Promise<T>): Promise<T> {
    return counted(this.signups, attempt, 'created', (code) =>
      code === ERROR_CODES.USERNAME_TAKEN ? 'username_taken' : 'error',
    );
  }
}

async function counted<T, O extends string>(
  counter: Counter<'outcome'>,
  attempt: () => Promise<T>,
  success: O,
  failure: (code: ErrorCode | undefined) => O,
): Promise<T> {
  try {
    const result = await attempt();
    counter.inc({ outcome: success });
    return result;
  } catch (error) {
    const body = error instanceof RpcException ? error.getError() : undefined;
    counter.inc({ outcome: failure(isRpcErrorBody(body) ? body.code : undefined) });
    throw error;
  }
}
