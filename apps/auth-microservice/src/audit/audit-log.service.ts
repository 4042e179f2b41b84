import { Injectable, Logger } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** The security events the auth service reports. */
export const AUDIT_EVENTS = [
  'signup.succeeded',
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'session.started',
  'session.ended',
  'refresh_token.reused',
  'password.changed',
  'password.change_failed',
  'password.reset_requested',
  'password.reset',
  'password.reset_failed',
  'email.change_requested',
  'email.change_failed',
  'email.verified',
  'email.verification_failed',
  'account.deleted',
  'account.delete_failed',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

const WARNINGS = new Set<AuditEvent>([
  'login.throttled',
  'login.failed',
  'refresh_token.reused',
  'password.change_failed',
  'password.reset_failed',
  'email.change_failed',
  'email.verification_failed',
  'account.delete_failed',
]);

/** What an audit line may carry: identifiers and facts, never a secret (and never a submitted username, which
 * people sometimes type their password into). */
export interface AuditFields {
  userId?: string;
  clientIp?: string;
  retryAfterSeconds?: number;
  sessionId?: string;
  /** Why a session ended. */
  reason?: string;
}

/**
 * Security events as structured log lines (`audit: true`, `event`, plus the request id every line of the
 * request carries) and as `auth_security_events_total{event}`, so they can be both searched and alerted on.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');
  private readonly events: Counter<'event'>;

  constructor(registry: Registry) {
    this.events = new Counter({
      name: 'auth_security_events_total',
      help: 'Security events, by event (also written as audit log lines)',
      labelNames: ['event'],
      registers: [registry],
    });
    for (const event of AUDIT_EVENTS) this.events.inc({ event }, 0);
  }

  record(event: AuditEvent, fields: AuditFields = {}): void {
    this.events.inc({ event });
    const line = { audit: true, event, ...fields };
    if (WARNINGS.has(event)) this.logger.warn(line, event);
    else this.logger.log(line, event);
  }
}
