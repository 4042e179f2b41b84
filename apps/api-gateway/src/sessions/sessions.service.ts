import { Injectable } from '@nestjs/common';
import type {
  ChangePasswordDto,
  EndedSessionsResponse,
  RefreshDto,
  RequestMeta,
  SessionResponse,
  TokenResponse,
} from '@nestjs-microservices/shared';
import { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import type { Principal } from '../tokens/principal';
import { RevocationList } from '../tokens/revocation-list';

/**
 * What a signed-in caller can do with their sessions. Each call forwards the caller's access token (the auth
 * service verifies it again); the sessions a call ended go on this gateway's revocation list at once, so their
 * tokens are refused here from the next request (other gateways learn them within one sync). So do those a refresh
 * ended as stolen (REFRESH_TOKEN_REUSED), before the client hears of it.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly auth: AuthClient,
    private readonly revocations: RevocationList,
  ) {}

  async refresh(dto: RefreshDto, meta: RequestMeta): Promise<TokenResponse> {
    try {
      return await this.auth.refresh(dto, meta);
    } catch (error) {
      if (error instanceof ApiError && error.endedSessions) this.revocations.add(error.endedSessions);
      throw error;
    }
  }

  async logout({ accessToken }: Principal, meta: RequestMeta): Promise<void> {
    this.revoke(await this.auth.logout({ accessToken }, meta));
  }

  async logoutAll({ accessToken }: Principal, meta: RequestMeta): Promise<void> {
    this.revoke(await this.auth.logoutAll({ accessToken }, meta));
  }

  list({ accessToken }: Principal, meta: RequestMeta): Promise<SessionResponse[]> {
    return this.auth.listSessions({ accessToken }, meta);
  }

  async end({ accessToken }: Principal, sessionId: string, meta: RequestMeta): Promise<void> {
    this.revoke(await this.auth.endSession({ accessToken, sessionId }, meta));
  }

  async changePassword({ accessToken }: Principal, dto: ChangePasswordDto, meta: RequestMeta): Promise<void> {
    this.revoke(await this.auth.changePassword({ ...dto, accessToken }, meta));
  }

  private revoke({ revoked }: EndedSessionsResponse): void {
    this.revocations.add(revoked);
  }
}
