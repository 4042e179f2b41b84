import type { ColumnType } from 'kysely';

/**
 * Timestamps are written as ISO-8601 strings on both dialects (better-sqlite3 cannot bind a Date);
 * PostgreSQL reads them back as `Date` (timestamptz), SQLite as the string that was written.
 */
export type Timestamp = ColumnType<Date | string, string, string>;
export type NullableTimestamp = ColumnType<Date | string | null, string | null | undefined, string | null>;

export interface UsersTable {
  id: string;
  username: string;
  username_normalized: string;
  /** UTS #39 confusable skeleton, unique; NULL for a pre-existing look-alike of an older user (migration 0007). */
  username_skeleton: string | null;
  password_hash: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** The recovery address (normalised: domain lower-cased), or null. */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  /** `email` lower-cased, unique. */
  email_key: ColumnType<string | null, string | null | undefined, string | null>;
  email_verified_at: NullableTimestamp;
  /** Set when the account was deleted: a tombstone holding the username (migration 0008). */
  deleted_at: NullableTimestamp;
  /** Set by an administrator: no login, no refresh (migration 0011). */
  disabled_at: NullableTimestamp;
  last_login_at: NullableTimestamp;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
  granted_at: Timestamp;
}

export interface AuditEventsTable {
  /** UUID v7: ordered by time. */
  id: string;
  occurred_at: Timestamp;
  type: string;
  /** The user the event is about. */
  user_id: string | null;
  /** The administrator who acted, for admin actions. */
  actor_id: string | null;
  session_id: string | null;
  client_ip: string | null;
  /** JSON of the event's other facts (never a secret), or null. */
  details: string | null;
}

export type AccountTokenPurpose = 'email_verification' | 'password_reset';

export interface AccountTokensTable {
  token_hash: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  email: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface MailOutboxTable {
  id: string;
  kind: string;
  recipient: string | null;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  payload: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  next_attempt_at: Timestamp;
  claimed_until: NullableTimestamp;
  claimed_by: string | null;
  sent_at: NullableTimestamp;
  failed_at: NullableTimestamp;
  last_error: string | null;
}

export interface LoginFailuresTable {
  id: string;
  username_key: string;
  client_ip: string;
  failed_at: Timestamp;
}

export interface LoginKnownClientsTable {
  username_key: string;
  client_key: string;
  last_success_at: Timestamp;
}

export interface SigningKeysTable {
  kid: string;
  generation: number;
  algorithm: string;
  /** The Ed25519 public key (`x` of its JWK, base64url). */
  public_key: string;
  /** PKCS#8 PEM, or its encrypted envelope (see `key-encryption.ts`). */
  private_key: string;
  created_at: Timestamp;
  activates_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Timestamp;
  last_used_at: Timestamp;
  idle_expires_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  revoked_at: ColumnType<Date | string | null, string | null | undefined, string | null>;
  revoked_reason: string | null;
  /** Keys the session's refresh chain (see `refresh-token.ts`); null for sessions older than migration 0006. */
  refresh_secret: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: Timestamp;
  used_at: ColumnType<Date | string | null, string | null | undefined, string | null>;
}

export interface Database {
  users: UsersTable;
  login_failures: LoginFailuresTable;
  login_known_clients: LoginKnownClientsTable;
  signing_keys: SigningKeysTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  user_roles: UserRolesTable;
  audit_events: AuditEventsTable;
  account_tokens: AccountTokensTable;
  mail_outbox: MailOutboxTable;
}

export type Dialect = 'sqlite' | 'postgres';

export const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
