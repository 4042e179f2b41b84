import { Injectable, Logger } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { uuidv7 } from 'uuidv7';
import { afterCommit, type Executor, type Tx } from '../database/unit-of-work';
import { AuditEventsRepository, type StoredAuditEvent } from './audit-events.repository';

/**
 * The security events the auth service reports. Each is logged, counted and stored in `audit_events`; adding a
 * name here is all it takes for a new one (the store and `GET /api/admin/audit` take any name).
 */
export const AUDIT_EVENTS = [
  'signup.succeeded',
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'login.refused_disabled',
  'session.started',
  'session.ended',
  'refresh_token.reused',
  'password.changed',
  'password.change_failed',
  'roles.changed',
  'admin.account_disabled',
  'admin.account_enabled',
  'admin.account_deleted',
  'admin.sessions_ended',
  'admin.password_reset_sent',
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
  'login.refused_disabled',
  'refresh_token.reused',
  'password.change_failed',
  'password.reset_failed',
  'email.change_failed',
  'email.verification_failed',
  'account.delete_failed',
]);

/**
 * What an audit event may carry: identifiers and facts, never a secret (and never a submitted username, which
 * people sometimes type their password into). Typed fields only, so nothing else can reach a log line or a row.
 */
export interface AuditFields {
  /** The user the event is about. */
  userId?: string;
  /** The administrator who acted (admin actions); absent for the user's own doing and for the command line. */
  actorId?: string;
  clientIp?: string;
  retryAfterSeconds?: number;
  sessionId?: string;
  /** Why a session ended. */
  reason?: string;
  /** `roles.changed`: what was granted and taken away. */
  rolesAdded?: string[];
  rolesRemoved?: string[];
  /** How many sessions an action ended. */
  sessionsEnded?: number;
  /** `cli` for changes made with `users:grant` / `users:revoke`. */
  via?: 'cli';
}

/** One event and its fields, for `recordAllIn`. */
export type AuditEntry = readonly [AuditEvent, AuditFields];

/**
 * Security events as structured log lines (`audit: true`, `event`, plus the request id every line of the
 * request carries), as `auth_security_events_total{event}`, and as rows of `audit_events` for
 * `GET /api/admin/audit`. Inside a transaction (`recordIn`) the row commits with the change, and the line and the
 * count follow the commit; on its own (`record`) the row is written first.
 */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger('Audit');
  private readonly events: Counter<'event'>;

  constructor(
    registry: Registry,
    private readonly store: AuditEventsRepository,
  ) {
    this.events = new Counter({
      name: 'auth_security_events_total',
      help: 'Security events, by event (also written as audit log lines and stored in audit_events)',
      labelNames: ['event'],
      registers: [registry],
    });
    for (const event of AUDIT_EVENTS) this.events.inc({ event }, 0);
  }

  /** An event that changes nothing else (a failed login…): stored on its own, then logged and counted. */
  async record(event: AuditEvent, fields: AuditFields = {}, db?: Executor): Promise<void> {
    await this.store.insert(db ?? this.store.db, [toStored(event, fields, new Date())]);
    this.tell(event, fields);
  }

  /** An event of a change made in `trx`: stored in it; logged and counted once it has committed. */
  recordIn(trx: Tx, event: AuditEvent, fields: AuditFields = {}): Promise<void> {
    return this.recordAllIn(trx, [[event, fields]]);
  }

  /** Several events of one change, in one INSERT. */
  async recordAllIn(trx: Tx, entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const now = new Date();
    await this.store.insert(
      trx,
      entries.map(([event, fields]) => toStored(event, fields, now)),
    );
    afterCommit(trx, () => {
      for (const [event, fields] of entries) this.tell(event, fields);
    });
  }

  private tell(event: AuditEvent, fields: AuditFields): void {
    this.events.inc({ event });
    const line = { audit: true, event, ...fields };
    if (WARNINGS.has(event)) this.logger.warn(line, event);
    else this.logger.log(line, event);
  }
}

/** The row of an event: the identifiers in their columns, every other fact in `details` (null when none). */
export function toStored(event: AuditEvent, fields: AuditFields, at: Date): StoredAuditEvent {
  const { userId, actorId, sessionId, clientIp, ...facts } = fields;
  const details = Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
  return {
    id: uuidv7(),
    occurredAt: at,
    type: event,
    userId: userId ?? null,
    actorId: actorId ?? null,
    sessionId: sessionId ?? null,
    clientIp: clientIp ?? null,
    details: Object.keys(details).length > 0 ? details : null,
  };
}
