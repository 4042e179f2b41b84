import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoginDto, LoginResponse, type RequestMeta, SignupDto, UserResponse } from '@nestjs-microservices/shared';
import { ClientMeta } from '../common/request-meta.decorator';
import { ApiErrorResponses } from '../docs/api-error-responses.decorator';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { AuthClient } from './auth.client';

/** Errors every route with a JSON body can answer, besides its own. */
const BODY_ERRORS = ['VALIDATION_FAILED', 'MALFORMED_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] as const;
/** Errors of every call to the auth service. */
const UPSTREAM_ERRORS = ['AUTH_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'INTERNAL_ERROR'] as const;

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthClient) {}

  @Post('signup')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Create an account',
    description: 'Usernames are unique regardless of letter case. The password is stored as an argon2id hash only.',
  })
  @ApiCreatedResponse({ description: 'The account was created', type: UserResponse })
  @ApiErrorResponses(...BODY_ERRORS, 'USERNAME_TAKEN', 'RATE_LIMITED', ...UPSTREAM_ERRORS)
  @RateLimit('signup')
  signup(@Body() dto: SignupDto, @ClientMeta() meta: RequestMeta): Promise<UserResponse> {
    return this.auth.signup(dto, meta);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Log in',
    description:
      'Any letter case of the username. An unknown user and a wrong password get the same answer, in the same time.',
  })
  @ApiOkResponse({ description: 'The credentials are correct', type: LoginResponse })
  @ApiErrorResponses(...BODY_ERRORS, 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS', 'RATE_LIMITED', ...UPSTREAM_ERRORS)
  @RateLimit('login')
  login(@Body() dto: LoginDto, @ClientMeta() meta: RequestMeta): Promise<LoginResponse> {
    return this.auth.login(dto, meta);
  }
}
