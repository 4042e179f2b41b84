import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type AcceptedResponse,
  AUTH_PATTERNS,
  ChangeEmailRequestDto,
  DeleteAccountRequestDto,
  type EndedSessionsResponse,
  ForgotPasswordDto,
  type RequestMeta,
  ResetPasswordDto,
  RPC_PAYLOAD,
  SessionAuthDto,
  type UserResponse,
  VerifyEmailDto,
} from '@nestjs-microservices/shared';
import { ContractPattern } from '../common/contract-pattern.decorator';
import { Meta } from '../common/request-meta.decorator';
import { AccountDeletionService } from './account-deletion.service';
import { EmailVerificationService } from './email-verification.service';
import { PasswordResetService } from './password-reset.service';

@Controller()
export class RecoveryController {
  constructor(
    private readonly emails: EmailVerificationService,
    private readonly resets: PasswordResetService,
    private readonly deletions: AccountDeletionService,
  ) {}

  @ContractPattern(AUTH_PATTERNS.changeEmail)
  changeEmail(@Payload(RPC_PAYLOAD) dto: ChangeEmailRequestDto, @Meta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.emails.change(dto, meta);
  }

  @ContractPattern(AUTH_PATTERNS.verifyEmail)
  verifyEmail(@Payload(RPC_PAYLOAD) dto: VerifyEmailDto, @Meta() meta: RequestMeta): Promise<UserResponse> {
    return this.emails.verify(dto, meta);
  }

  @ContractPattern(AUTH_PATTERNS.resendVerification)
  resendVerification(@Payload(RPC_PAYLOAD) dto: SessionAuthDto): Promise<AcceptedResponse> {
    return this.emails.resend(dto);
  }

  @ContractPattern(AUTH_PATTERNS.forgotPassword)
  forgotPassword(@Payload(RPC_PAYLOAD) dto: ForgotPasswordDto): Promise<AcceptedResponse> {
    return this.resets.forgot(dto);
  }

  @ContractPattern(AUTH_PATTERNS.resetPassword)
  resetPassword(
    @Payload(RPC_PAYLOAD) dto: ResetPasswordDto,
    @Meta() meta: RequestMeta,
  ): Promise<EndedSessionsResponse> {
    return this.resets.reset(dto, meta);
  }

  @ContractPattern(AUTH_PATTERNS.deleteAccount)
  deleteAccount(
    @Payload(RPC_PAYLOAD) dto: DeleteAccountRequestDto,
    @Meta() meta: RequestMeta,
  ): Promise<EndedSessionsResponse> {
    return this.deletions.delete(dto, meta);
  }
}
