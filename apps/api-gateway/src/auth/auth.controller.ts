import { Body, Controller, Get, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  JwksResponse,
  LoginDto,
  LoginResponse,
  MeResponse,
  RefreshDto,
  type RequestMeta,
  SignupDto,
  TokenResponse,
  UserResponse,
} from '@nestjs-microservices/shared';
import type { FastifyReply } from 'fastify';
import { ClientMeta } from '../common/request-meta.decorator';
import { GatewayConfig } from '../config/gateway-config';
import { CookieSession } from '../cookie-session/cookie-session.interceptor';
import { ApiErrorResponses } from '../docs/api-error-responses.decorator';
import { BODY_ERRORS, TOKEN_ERRORS, UPSTREAM_ERRORS } from '../docs/route-errors';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { SessionsService } from '../sessions/sessions.service';
import { Principal } from '../tokens/principal';
import { Public } from '../tokens/public.decorator';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { AuthClient } from './auth.client';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  private readonly jwksCacheControl: string;

  constructor(
    private readonly auth: AuthClient,
    private readonly sessions: SessionsService,
    private readonly keys: SigningKeysService,
    config: GatewayConfig,
  ) {
    // Clients may keep the keys as long as this gateway does before it asks again.
    this.jwksCacheControl = `public, max-age=${Math.floor(config.jwks.refreshIntervalMs / 1_000)}`;
  }

  @Post('signup')
  @Public()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create an account',
    description:
      'Usernames are unique regardless of letter case. The password is stored as an argon2id hash only. With an ' +
      '`email`, a verification link is mailed to it (see docs/email-and-recovery.md).',
  })
  @ApiCreatedResponse({ description: 'The account was created', type: UserResponse })
  @ApiErrorResponses(
    ...BODY_ERRORS,
    'USERNAME_TAKEN',
    'EMAIL_TAKEN',
    'RATE_LIMITED',
    'MAIL_DISABLED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('signup')
  signup(@Body() dto: SignupDto, @ClientMeta() meta: RequestMeta): Promise<UserResponse> {
    return this.auth.signup(dto, meta);
  }

  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Log in',
    description:
      'Any letter case of the username. An unknown user and a wrong password get the same answer, in the same time. ' +
      'Starts a session: an access token (send it as `Authorization: Bearer <token>`) and a refresh token.',
  })
  @ApiOkResponse({ description: 'The credentials are correct', type: LoginResponse })
  @ApiErrorResponses(
    ...BODY_ERRORS,
    'INVALID_CREDENTIALS',
    'CSRF_REJECTED',
    'ACCOUNT_DISABLED',
    'TOO_MANY_ATTEMPTS',
    'RATE_LIMITED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('login')
  @CookieSession('issue')
  login(@Body() dto: LoginDto, @ClientMeta() meta: RequestMeta): Promise<LoginResponse> {
    return this.auth.login(dto, meta);
  }

  @Post('refresh')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a refresh token for new tokens',
    description:
      'The refresh token is single use: the answer carries a new one. Presenting a used one again ends the session.',
  })
  @ApiOkResponse({ description: 'A new access token and refresh token for the same session', type: TokenResponse })
  @ApiBody({ type: RefreshDto, required: false, description: 'Required, except in cookie mode (no body)' })
  @ApiErrorResponses(
    ...BODY_ERRORS,
    'INVALID_REFRESH_TOKEN',
    'REFRESH_TOKEN_REUSED',
    'CSRF_REJECTED',
    'ACCOUNT_DISABLED',
    'RATE_LIMITED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('refresh')
  @CookieSession('rotate')
  refresh(@Body() dto: RefreshDto, @ClientMeta() meta: RequestMeta): Promise<TokenResponse> {
    return this.sessions.refresh(dto, meta);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Who the access token belongs to',
    description: 'Read from the verified token alone: answers while the auth service is down.',
  })
  @ApiOkResponse({ description: 'The caller', type: MeResponse })
  @ApiErrorResponses(...TOKEN_ERRORS)
  me(@Principal() principal: Principal): MeResponse {
    return {
      id: principal.userId,
      username: principal.username,
      sessionId: principal.sessionId,
      ...(principal.email !== undefined && { email: principal.email, emailVerified: principal.emailVerified === true }),
    };
  }

  @Post('logout')
  @ApiBearerAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'End this session',
    description: 'Its refresh token stops working, and its access tokens are refused from now on.',
  })
  @ApiNoContentResponse({ description: 'The session has ended' })
  @ApiErrorResponses(...TOKEN_ERRORS, 'CSRF_REJECTED', ...UPSTREAM_ERRORS)
  @CookieSession('clear')
  logout(@Principal() principal: Principal, @ClientMeta() meta: RequestMeta): Promise<void> {
    return this.sessions.logout(principal, meta);
  }

  @Post('logout-all')
  @ApiBearerAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End every session of the caller, this one included' })
  @ApiNoContentResponse({ description: 'Every session has ended' })
  @ApiErrorResponses(...TOKEN_ERRORS, 'CSRF_REJECTED', ...UPSTREAM_ERRORS)
  @CookieSession('clear')
  logoutAll(@Principal() principal: Principal, @ClientMeta() meta: RequestMeta): Promise<void> {
    return this.sessions.logoutAll(principal, meta);
  }

  @Get('jwks')
  @Public()
  @ApiOperation({
    summary: 'The public keys access tokens are signed with (JWK Set)',
    description: 'For services that verify access tokens themselves. Cacheable as long as `Cache-Control` says.',
  })
  @ApiOkResponse({ description: 'Every key a valid access token may be signed with', type: JwksResponse })
  @ApiErrorResponses('AUTH_UNAVAILABLE')
  async jwks(@Res({ passthrough: true }) reply: FastifyReply): Promise<JwksResponse> {
    const document = await this.keys.jwks();
    void reply.header('cache-control', this.jwksCacheControl);
    return document;
  }
}
