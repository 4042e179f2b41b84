import { Injectable } from '@nestjs/common';
import type {
  AcceptedResponse,
  ChangeEmailDto,
  DeleteAccountDto,
  ForgotPasswordDto,
  RequestMeta,
  ResetPasswordDto,
  UserResponse,
  VerifyEmailDto,
} from '@nestjs-microservices/shared';
import { AuthClient } from '../auth/auth.client';
import type { Principal } from '../tokens/principal';
import { RevocationList } from '../tokens/revocation-list';

/**
 * Email, password reset and account deletion. The sessions a reset or a deletion ended go on this gateway's
 * revocation list at once (the others learn them from the feed or the NATS broadcast, as after a logout-all).
 */
@Injectable()
export class RecoveryService {
  constructor(
    private readonly auth: AuthClient,
    private readonly revocations: RevocationList,
  ) {}

  changeEmail({ accessToken }: Principal, dto: ChangeEmailDto, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.auth.changeEmail({ ...dto, accessToken }, meta);
  }

  verifyEmail(dto: VerifyEmailDto, meta: RequestMeta): Promise<UserResponse> {
    return this.auth.verifyEmail(dto, meta);
  }

  resendVerification({ accessToken }: Principal, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.auth.resendVerification({ accessToken }, meta);
  }

  forgotPassword(dto: ForgotPasswordDto, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.auth.forgotPassword(dto, meta);
  }

  async resetPassword(dto: ResetPasswordDto, meta: RequestMeta): Promise<void> {
    this.revocations.add((await this.auth.resetPassword(dto, meta)).revoked);
  }

  async deleteAccount({ accessToken }: Principal, dto: DeleteAccountDto, meta: RequestMeta): Promise<void> {
    this.revocations.add((await this.auth.deleteAccount({ ...dto, accessToken }, meta)).revoked);
  }
}
