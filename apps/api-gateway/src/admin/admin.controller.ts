import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '@nestjs-microservices/nest-auth';
import {
  AcceptedResponse,
  AdminUserDetailResponse,
  AdminUserPageResponse,
  AdminUserResponse,
  AdminUsersQueryDto,
  AuditEventPageResponse,
  AuditQueryDto,
  ChangeRolesDto,
  type ErrorCode,
  type RequestMeta,
} from '@nestjs-microservices/shared';
import { ClientMeta } from '../common/request-meta.decorator';
import { ApiErrorResponses } from '../docs/api-error-responses.decorator';
import { BODY_ERRORS, TOKEN_ERRORS, UPSTREAM_ERRORS } from '../docs/route-errors';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { SessionIdPipe } from '../sessions/session-id.pipe';
import { Principal } from '../tokens/principal';
import { AdminService } from './admin.service';
import { UserIdPipe } from './user-id.pipe';

/** What every admin route can answer besides its own errors. */
const ADMIN_ERRORS = [
  ...TOKEN_ERRORS,
  'FORBIDDEN',
  'REAUTHENTICATION_REQUIRED',
  'RATE_LIMITED',
  ...UPSTREAM_ERRORS,
] as const satisfies readonly ErrorCode[];

const USER_ID = { name: 'id', description: 'The user id', format: 'uuid' } as const;

/**
 * Administration: only for callers whose token carries `admin` (403 FORBIDDEN otherwise) and whose password login
 * is recent (401 REAUTHENTICATION_REQUIRED otherwise, see ADMIN_REAUTH_MAX_AGE), under a rate limit of its own.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
@Roles('admin')
@RateLimit('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('users')
  @ApiOperation({
    summary: 'Find accounts',
    description:
      'Ordered by case-folded username; `query` is a username prefix (any letter case). Page with `nextCursor`.',
  })
  @ApiOkResponse({ description: 'A page of accounts', type: AdminUserPageResponse })
  @ApiErrorResponses('VALIDATION_FAILED', ...ADMIN_ERRORS)
  listUsers(
    @Principal() principal: Principal,
    @Query() query: AdminUsersQueryDto,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AdminUserPageResponse> {
    return this.admin.listUsers(principal, query, meta);
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'One account: its roles, active sessions, last login and recent failed logins' })
  @ApiParam(USER_ID)
  @ApiOkResponse({ description: 'The account', type: AdminUserDetailResponse })
  @ApiErrorResponses('USER_NOT_FOUND', ...ADMIN_ERRORS)
  getUser(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AdminUserDetailResponse> {
    return this.admin.getUser(principal, id, meta);
  }

  @Post('users/:id/disable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Disable an account',
    description:
      'No login or refresh (403 ACCOUNT_DISABLED) until enabled again; every session ends now, and its access ' +
      'tokens are refused by every gateway and resource service within the revocation sync interval.',
  })
  @ApiParam(USER_ID)
  @ApiOkResponse({ description: 'The account as it is now', type: AdminUserResponse })
  @ApiErrorResponses('USER_NOT_FOUND', 'LAST_ADMIN', ...ADMIN_ERRORS)
  disable(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AdminUserResponse> {
    return this.admin.disable(principal, id, meta);
  }

  @Post('users/:id/enable')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Enable a disabled account (its user logs in again)' })
  @ApiParam(USER_ID)
  @ApiOkResponse({ description: 'The account as it is now', type: AdminUserResponse })
  @ApiErrorResponses('USER_NOT_FOUND', ...ADMIN_ERRORS)
  enable(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AdminUserResponse> {
    return this.admin.enable(principal, id, meta);
  }

  @Post('users/:id/password-reset')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: "Send the account's user a password reset mail",
    description:
      'The reset mail of account recovery, to the verified address of the account; the administrator never sees or ' +
      'sets a password. `409 NO_EMAIL_ON_ACCOUNT` when the account has no verified address.',
  })
  @ApiParam(USER_ID)
  @ApiAcceptedResponse({ description: 'The mail is written to the outbox', type: AcceptedResponse })
  @ApiErrorResponses('USER_NOT_FOUND', 'NO_EMAIL_ON_ACCOUNT', 'MAIL_DISABLED', ...ADMIN_ERRORS)
  passwordReset(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AcceptedResponse> {
    return this.admin.passwordReset(principal, id, meta);
  }

  @Delete('users/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete an account',
    description: 'Its sessions end now, its name is free at once; its audit events stay until AUDIT_RETENTION.',
  })
  @ApiParam(USER_ID)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrorResponses('USER_NOT_FOUND', 'LAST_ADMIN', ...ADMIN_ERRORS)
  delete(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.admin.delete(principal, id, meta);
  }

  @Delete('users/:id/sessions')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End every session of an account' })
  @ApiParam(USER_ID)
  @ApiNoContentResponse({ description: 'Every session has ended' })
  @ApiErrorResponses('USER_NOT_FOUND', ...ADMIN_ERRORS)
  endSessions(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.admin.endSessions(principal, id, meta);
  }

  @Delete('users/:id/sessions/:sid')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End one session of an account' })
  @ApiParam(USER_ID)
  @ApiParam({ name: 'sid', description: 'The session id (from `GET /api/admin/users/:id`)', format: 'uuid' })
  @ApiNoContentResponse({ description: 'The session has ended' })
  @ApiErrorResponses('USER_NOT_FOUND', 'SESSION_NOT_FOUND', ...ADMIN_ERRORS)
  endSession(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @Param('sid', SessionIdPipe) sessionId: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.admin.endSession(principal, id, sessionId, meta);
  }

  @Post('users/:id/roles')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Grant and take away roles',
    description:
      "Tokens carry the change from the user's next refresh; taking `admin` away ends their sessions at once.",
  })
  @ApiParam(USER_ID)
  @ApiOkResponse({ description: 'The account as it is now', type: AdminUserResponse })
  @ApiErrorResponses(...BODY_ERRORS, 'USER_NOT_FOUND', 'LAST_ADMIN', ...ADMIN_ERRORS)
  changeRoles(
    @Principal() principal: Principal,
    @Param('id', UserIdPipe) id: string,
    @Body() dto: ChangeRolesDto,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AdminUserResponse> {
    return this.admin.changeRoles(principal, id, dto, meta);
  }

  @Get('audit')
  @ApiOperation({ summary: 'Stored security events, newest first', description: 'Page with `nextCursor`.' })
  @ApiOkResponse({ description: 'A page of events', type: AuditEventPageResponse })
  @ApiErrorResponses('VALIDATION_FAILED', ...ADMIN_ERRORS)
  listAudit(
    @Principal() principal: Principal,
    @Query() query: AuditQueryDto,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AuditEventPageResponse> {
    return this.admin.listAudit(principal, query, meta);
  }
}
