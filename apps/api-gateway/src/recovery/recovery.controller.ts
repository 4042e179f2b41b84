import { Body, Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  AcceptedResponse,
  ChangeEmailDto,
  DeleteAccountDto,
  ForgotPasswordDto,
  type RequestMeta,
  ResetPasswordDto,
  UserResponse,
  VerifyEmailDto,
} from '@nestjs-microservices/shared';
import { ClientMeta } from '../common/request-meta.decorator';
import { CookieSession } from '../cookie-session/cookie-session.interceptor';
import { ApiErrorResponses } from '../docs/api-error-responses.decorator';
import { BODY_ERRORS, TOKEN_ERRORS, UPSTREAM_ERRORS } from '../docs/route-errors';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { Principal } from '../tokens/principal';
import { Public } from '../tokens/public.decorator';
import { RecoveryService } from './recovery.service';

/** Email, verification, password reset and account deletion (the mails go out through the auth service's outbox). */
@ApiTags('recovery')
@Controller('auth')
export class RecoveryController {
  constructor(private readonly recovery: RecoveryService) {}

  @Post('email')
  @ApiBearerAuth()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Give the account a new email address',
    description:
      'Needs the current password. A verification link is mailed to the new address; a verified old address keeps ' +
      'serving recovery until the new one is verified, and receives a notice.',
  })
  @ApiAcceptedResponse({ description: 'The verification mail is on its way', type: AcceptedResponse })
  @ApiErrorResponses(
    ...BODY_ERRORS,
    ...TOKEN_ERRORS,
    'CURRENT_PASSWORD_INCORRECT',
    'EMAIL_TAKEN',
    'TOO_MANY_ATTEMPTS',
    'TOO_MANY_MAILS',
    'RATE_LIMITED',
    'MAIL_DISABLED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('recovery')
  changeEmail(
    @Principal() principal: Principal,
    @Body() dto: ChangeEmailDto,
    @ClientMeta() meta: RequestMeta,
  ): Promise<AcceptedResponse> {
    return this.recovery.changeEmail(principal, dto, meta);
  }

  @Post('email/verify')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Verify an email address with the token of its link',
    description: 'Each link works once, until EMAIL_VERIFICATION_TTL (24 h by default) has passed.',
  })
  @ApiOkResponse({ description: 'The address is verified; the account as it is now', type: UserResponse })
  @ApiErrorResponses(
    ...BODY_ERRORS,
    'EMAIL_VERIFICATION_TOKEN_INVALID',
    'EMAIL_TAKEN',
    'RATE_LIMITED',
    'MAIL_DISABLED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('recovery')
  verifyEmail(@Body() dto: VerifyEmailDto, @ClientMeta() meta: RequestMeta): Promise<UserResponse> {
    return this.recovery.verifyEmail(dto, meta);
  }

  @Post('email/verify/resend')
  @ApiBearerAuth()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send the verification link again',
    description: 'For the address waiting to be verified; earlier links stop working.',
  })
  @ApiAcceptedResponse({ description: 'The verification mail is on its way', type: AcceptedResponse })
  @ApiErrorResponses(
    ...TOKEN_ERRORS,
    'NO_EMAIL_ON_ACCOUNT',
    'EMAIL_ALREADY_VERIFIED',
    'TOO_MANY_MAILS',
    'RATE_LIMITED',
    'MAIL_DISABLED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('recovery')
  resendVerification(@Principal() principal: Principal, @ClientMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.recovery.resendVerification(principal, meta);
  }

  @Post('password/forgot')
  @Public()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Ask for a password reset link',
    description:
      'By address or username. Always the same answer, in the same time, whether or not an account matches; only a ' +
      'verified address receives the mail. A new link replaces the earlier ones.',
  })
  @ApiAcceptedResponse({
    description: 'Accepted (says nothing about whether an account matched)',
    type: AcceptedResponse,
  })
  @ApiErrorResponses(...BODY_ERRORS, 'RATE_LIMITED', 'MAIL_DISABLED', ...UPSTREAM_ERRORS)
  @RateLimit('recovery')
  forgotPassword(@Body() dto: ForgotPasswordDto, @ClientMeta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.recovery.forgotPassword(dto, meta);
  }

  @Post('password/reset')
  @Public()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Choose a new password with the token of a reset link',
    description:
      'Ends every session of the account (their access tokens are refused within seconds everywhere), uses up every ' +
      'reset link, and mails a notice. A wrong token counts against the client like a failed login.',
  })
  @ApiNoContentResponse({ description: 'The password has changed' })
  @ApiErrorResponses(
    ...BODY_ERRORS,
    'PASSWORD_RESET_TOKEN_INVALID',
    'TOO_MANY_ATTEMPTS',
    'RATE_LIMITED',
    'MAIL_DISABLED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('recovery')
  resetPassword(@Body() dto: ResetPasswordDto, @ClientMeta() meta: RequestMeta): Promise<void> {
    return this.recovery.resetPassword(dto, meta);
  }

  @Delete('account')
  @ApiBearerAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete the account',
    description:
      'Needs the current password. Every session ends (access tokens refused within seconds everywhere); the ' +
      'username stays taken for DELETED_USERNAME_HOLD (30 days by default).',
  })
  @ApiNoContentResponse({ description: 'The account is deleted' })
  @ApiErrorResponses(
    ...BODY_ERRORS,
    ...TOKEN_ERRORS,
    'CURRENT_PASSWORD_INCORRECT',
    'TOO_MANY_ATTEMPTS',
    'CSRF_REJECTED',
    'RATE_LIMITED',
    ...UPSTREAM_ERRORS,
  )
  @RateLimit('password')
  @CookieSession('clear')
  deleteAccount(
    @Principal() principal: Principal,
    @Body() dto: DeleteAccountDto,
    @ClientMeta() meta: RequestMeta,
  ): Promise<void> {
    return this.recovery.deleteAccount(principal, dto, meta);
  }
}
