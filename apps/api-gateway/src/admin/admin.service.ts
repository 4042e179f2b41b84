import { Injectable } from '@nestjs/common';
import type {
  AcceptedResponse,
  AdminUserDetailResponse,
  AdminUserPageResponse,
  AdminUserResponse,
  AdminUsersQueryDto,
  AuditEventPageResponse,
  AuditQueryDto,
  ChangeRolesDto,
  RequestMeta,
  RevokedSession,
} from '@nestjs-microservices/shared';
import { AuthClient } from '../auth/auth.client';
import type { Principal } from '../tokens/principal';
import { RevocationList } from '../tokens/revocation-list';

/**
 * The admin routes' calls: each forwards the caller's access token (the auth service checks it, the caller's
 * `admin` role and the age of their login again). Sessions a change ended go on this gateway's revocation list
 * before it answers; the other gateways and the resource services learn them from the feed within its interval.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly auth: AuthClient,
    private readonly revocations: RevocationList,
  ) {}

  listUsers({ accessToken }: Principal, query: AdminUsersQueryDto, meta: RequestMeta): Promise<AdminUserPageResponse> {
    return this.auth.adminListUsers({ ...query, accessToken }, meta);
  }

  passwordReset({ accessToken }: Principal, userId: string, meta: RequestMeta): Promise<AcceptedResponse> {
    return this.auth.adminPasswordReset({ accessToken, userId }, meta);
  }

  getUser({ accessToken }: Principal, userId: string, meta: RequestMeta): Promise<AdminUserDetailResponse> {
    return this.auth.adminGetUser({ accessToken, userId }, meta);
  }

  async disable({ accessToken }: Principal, userId: string, meta: RequestMeta): Promise<AdminUserResponse> {
    const { user, revoked } = await this.auth.adminDisableUser({ accessToken, userId }, meta);
    return this.revoke(revoked, user);
  }

  async enable({ accessToken }: Principal, userId: string, meta: RequestMeta): Promise<AdminUserResponse> {
    const { user, revoked } = await this.auth.adminEnableUser({ accessToken, userId }, meta);
    return this.revoke(revoked, user);
  }

  async delete({ accessToken }: Principal, userId: string, meta: RequestMeta): Promise<void> {
    const { revoked } = await this.auth.adminDeleteUser({ accessToken, userId }, meta);
    this.revoke(revoked, undefined);
  }

  async endSessions({ accessToken }: Principal, userId: string, meta: RequestMeta): Promise<void> {
    const { revoked } = await this.auth.adminEndSessions({ accessToken, userId }, meta);
    this.revoke(revoked, undefined);
  }

  async endSession({ accessToken }: Principal, userId: string, sessionId: string, meta: RequestMeta): Promise<void> {
    const { revoked } = await this.auth.adminEndSession({ accessToken, userId, sessionId }, meta);
    this.revoke(revoked, undefined);
  }

  async changeRoles(
    { accessToken }: Principal,
    userId: string,
    dto: ChangeRolesDto,
    meta: RequestMeta,
  ): Promise<AdminUserResponse> {
    const { user, revoked } = await this.auth.adminChangeRoles({ ...dto, accessToken, userId }, meta);
    return this.revoke(revoked, user);
  }

  listAudit({ accessToken }: Principal, query: AuditQueryDto, meta: RequestMeta): Promise<AuditEventPageResponse> {
    return this.auth.adminListAudit({ ...query, accessToken }, meta);
  }

  private revoke<T>(revoked: readonly RevokedSession[], answer: T): T {
    this.revocations.add(revoked);
    return answer;
  }
}
