import { ApiProperty } from '@nestjs/swagger';
import { ADMIN_USER_STATUSES, type AdminUserStatus } from '../dto/admin.dto';
import type { RevokedSession } from './revocations.response';

/** An account as administrators see it: never a hash, never a token. */
export class AdminUserResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ enum: ADMIN_USER_STATUSES })
  status!: AdminUserStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  disabledAt!: string | null;

  @ApiProperty({ type: [String], example: ['admin'] })
  roles!: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Last successful password login' })
  lastLoginAt!: string | null;
}

export class AdminUserPageResponse {
  @ApiProperty({ type: [AdminUserResponse], description: 'By username (case-folded), then the next page' })
  users!: AdminUserResponse[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null at the end' })
  nextCursor!: string | null;
}

/** One stored security event. */
export class AuditEventResponse {
  @ApiProperty({ format: 'uuid', description: 'UUID v7: time-ordered' })
  id!: string;

  @ApiProperty({ example: 'login.failed' })
  type!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user the event is about' })
  userId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The administrator who acted' })
  actorId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  sessionId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  clientIp!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Facts of the event (a reason, roles added…); never a secret',
    example: { reason: 'logout' },
  })
  details!: Record<string, unknown> | null;
}

export class AuditEventPageResponse {
  @ApiProperty({ type: [AuditEventResponse], description: 'Newest first' })
  events!: AuditEventResponse[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

/** An active session of the account, as an administrator sees it. */
export class AdminSessionResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time', description: 'The password login that started it' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  lastUsedAt!: string;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;
}

export class AdminUserDetailResponse extends AdminUserResponse {
  @ApiProperty({ type: [AdminSessionResponse] })
  sessions!: AdminSessionResponse[];

  @ApiProperty({ type: [AuditEventResponse], description: 'The latest failed logins (newest first, at most 10)' })
  recentFailures!: AuditEventResponse[];
}

/** What a change to an account answers over RPC: the account now, and the sessions the change ended. */
export interface AdminUserChangeResponse {
  user: AdminUserResponse;
  /** For the gateway's revocation list; never sent to the HTTP client. */
  revoked: RevokedSession[];
}
