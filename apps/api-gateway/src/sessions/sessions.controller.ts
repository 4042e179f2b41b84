import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ChangePasswordDto, type RequestMeta, SessionResponse } from '@nestjs-microservices/shared';
import { ClientMeta } from '../common/request-meta.decorator';
import { ApiErrorResponses } from '../docs/api-error-responses.decorator';
import { BODY_ERRORS, TOKEN_ERRORS, UPSTREAM_ERRORS } from '../docs/route-errors';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { Principal } from '../tokens/principal';
import { SessionIdPipe } from './session-id.pipe';
import { SessionsService } from './sessions.service';

/** The caller's sessions and password: every route needs an access token. */
@ApiTags('sessions')
@ApiBearerAuth()
@Controller('auth')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get('sessions')
  @ApiOperation({ summary: 'The caller’s active sessions', description: 'The one of this token has `current: true`.' })
  @ApiOkResponse({ description: 'Every active session of the caller', type: [SessionResponse] })
  @ApiErrorResponses(...TOKEN_ERRORS, ...UPSTREAM_ERRORS)
  list(@Principal() principal: Principal, @ClientMeta() meta: RequestMeta): Promise<SessionResponse[]> {
    return this.sessions.list(principal, meta);
  }

  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End one of the caller’s sessions',
    description: 'Its refresh token stops working, and its access tokens are refused from now on.',
  })
  @ApiParam({ name: 'id', description: 'The session id (from `GET /api/auth/sessions`)', format: 'uuid' })
  @ApiNoContentResponse({ description: 'The session has ended' })
  @ApiErrorResponses(...TOKEN_ERRORS, 'SESSION_NOT_FOUND', ...UPSTREAM_ERRORS)
  end(
    @Principal() principal: Principal,
    @Param('id', SessionIdPipe) sessionId: string,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.sessions.end(principal, sessionId, meta);
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Change the password',
    description: 'Needs the current password. Ends the caller’s other sessions.',
  })
  @ApiNoContentResponse({ description: 'The password has changed' })
  @ApiErrorResponses(...BODY_ERRORS, ...TOKEN_ERRORS, 'CURRENT_PASSWORD_INCORRECT', 'RATE_LIMITED', ...UPSTREAM_ERRORS)
  @RateLimit('password')
  changePassword(
    @Principal() principal: Principal,
    @Body() dto: ChangePasswordDto,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.sessions.changePassword(principal, dto, meta);
  }
}
