import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ROLE_PATTERN } from '../tokens/access-token';
import { IsTokenString } from '../validation/validators';

export const ADMIN_PAGE_DEFAULT = 50;
export const ADMIN_PAGE_MAX = 100;
export const ADMIN_USER_STATUSES = ['active', 'disabled'] as const;
export type AdminUserStatus = (typeof ADMIN_USER_STATUSES)[number];
/** What an audit event type looks like (`login.failed`, `admin.account_disabled`): checked by shape, so a new event
 * type of the auth service can be asked for without a change here. */
export const AUDIT_EVENT_TYPE_PATTERN = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;
const CURSOR_MAX_LENGTH = 200;
const ROLES_PER_CHANGE = 16;

/** A page size in a query string ("20") or a message (20). */
const PageSize = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value,
  );

/** `GET /api/admin/users` query string. */
export class AdminUsersQueryDto {
  @ApiPropertyOptional({ description: 'Prefix of the username (any letter case)', example: 'ali', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  query?: string;

  @ApiPropertyOptional({ enum: ADMIN_USER_STATUSES, description: 'Only active or only disabled accounts' })
  @IsOptional()
  @IsIn(ADMIN_USER_STATUSES)
  status?: AdminUserStatus;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX_LENGTH)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN_PAGE_MAX, default: ADMIN_PAGE_DEFAULT })
  @IsOptional()
  @PageSize()
  @IsInt()
  @Min(1)
  @Max(ADMIN_PAGE_MAX)
  limit?: number;
}

/** `GET /api/admin/audit` query string. */
export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'Events about this user (the subject, not the acting admin)', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;

  @ApiPropertyOptional({ description: 'One event type', example: 'login.failed' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(AUDIT_EVENT_TYPE_PATTERN)
  type?: string;

  @ApiPropertyOptional({ description: 'Events at or after this time (ISO-8601)', format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX_LENGTH)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: ADMIN_PAGE_MAX, default: ADMIN_PAGE_DEFAULT })
  @IsOptional()
  @PageSize()
  @IsInt()
  @Min(1)
  @Max(ADMIN_PAGE_MAX)
  limit?: number;
}

/** `POST /api/admin/users/:id/roles` body: roles to grant and to take away (applied together). */
export class ChangeRolesDto {
  @ApiPropertyOptional({ type: [String], example: ['admin'], description: `Role names (${String(ROLE_PATTERN)})` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROLES_PER_CHANGE)
  @Matches(ROLE_PATTERN, { each: true })
  add?: string[];

  @ApiPropertyOptional({ type: [String], example: ['editor'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROLES_PER_CHANGE)
  @Matches(ROLE_PATTERN, { each: true })
  remove?: string[];
}

/**
 * The RPC payloads of the admin patterns: the HTTP input plus the caller's access token, which the auth service
 * verifies again, with the caller's `admin` role and the age of their password login, before it acts.
 */
export class AdminAuthDto {
  @IsTokenString()
  accessToken!: string;
}

export class AdminUsersListRequestDto extends AdminUsersQueryDto {
  @IsTokenString()
  accessToken!: string;
}

export class AuditListRequestDto extends AuditQueryDto {
  @IsTokenString()
  accessToken!: string;
}

export class AdminUserRequestDto extends AdminAuthDto {
  @IsUUID()
  userId!: string;
}

export class AdminEndSessionRequestDto extends AdminUserRequestDto {
  @IsUUID()
  sessionId!: string;
}

export class AdminChangeRolesRequestDto extends ChangeRolesDto {
  @IsTokenString()
  accessToken!: string;

  @IsUUID()
  userId!: string;
}
