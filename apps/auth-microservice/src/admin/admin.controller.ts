import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type AcceptedResponse,
  AdminChangeRolesRequestDto,
  AdminEndSessionRequestDto,
  type AdminUserChangeResponse,
  type AdminUserDetailResponse,
  type AdminUserPageResponse,
  AdminUserRequestDto,
  AdminUsersListRequestDto,
  AUTH_PATTERNS,
  type AuditEventPageResponse,
  AuditListRequestDto,
  type EndedSessionsResponse,
  type RequestMeta,
  RPC_PAYLOAD,
} from '@nestjs-microservices/shared';
import { ContractPattern } from '../common/contract-pattern.decorator';
import { Meta } from '../common/request-meta.decorator';
import { AdminService } from './admin.service';

/** The admin patterns: each authorises its caller in `AdminService` (token, `admin` role, recent login). */
@Controller()
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @ContractPattern(AUTH_PATTERNS.adminListUsers)
  listUsers(@Payload(RPC_PAYLOAD) dto: AdminUsersListRequestDto): Promise<AdminUserPageResponse> {
    return this.admin.listUsers(dto);
  }

  @ContractPattern(AUTH_PATTERNS.adminGetUser)
  getUser(@Payload(RPC_PAYLOAD) dto: AdminUserRequestDto): Promise<AdminUserDetailResponse> {
    return this.admin.getUser(dto.accessToken, dto.userId);
  }

  @ContractPattern(AUTH_PATTERNS.adminDisableUser)
  disable(@Payload(RPC_PAYLOAD) dto: AdminUserRequestDto, @Meta() meta: RequestMeta): Promise<AdminUserChangeResponse> {
    return this.admin.disable(dto.accessToken, dto.userId, meta);
  }

  @ContractPattern(AUTH_PATTERNS.adminEnableUser)
  enable(@Payload(RPC_PAYLOAD) dto: AdminUserRequestDto, @Meta() meta: RequestMeta): Promise<AdminUserChangeResponse> {
    return this.admin.enable(dto.accessToken, dto.userId, meta);
  }

  @ContractPattern(AUTH_PATTERNS.adminDeleteUser)
  delete(@Payload(RPC_PAYLOAD) dto: AdminUserRequestDto, @Meta() meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.admin.delete(dto.accessToken, dto.userId, meta);
  }

  @ContractPattern(AUTH_PATTERNS.adminEndSessions)
  endSessions(
    @Payload(RPC_PAYLOAD) dto: AdminUserRequestDto,
    @Meta() meta: RequestMeta,
  ): Promise<EndedSessionsResponse> {
    return this.admin.endSessions(dto.accessToken, dto.userId, undefined, meta);
  }

  @ContractPattern(AUTH_PATTERNS.adminEndSession)
  endSession(
    @Payload(RPC_PAYLOAD) dto: AdminEndSessionRequestDto,
    @Meta() meta: RequestMeta,
  ): Promise<EndedSessionsResponse> {
    return this.admin.endSessions(dto.accessToken, dto.userId, dto.sessionId, meta);
  }

  @ContractPattern(AUTH_PATTERNS.adminChangeRoles)
  changeRoles(
    @Payload(RPC_PAYLOAD) dto: AdminChangeRolesRequestDto,
    @Meta() meta: RequestMeta,
  ): Promise<AdminUserChangeResponse> {
    return this.admin.changeRoles(dto, meta);
  }

  @ContractPattern(AUTH_PATTERNS.adminPasswordReset)
  passwordReset(@Payload(RPC_PAYLOAD) dto: AdminUserRequestDto, @Meta() meta: RequestMeta): Promise<AcceptedResponse> {
    return this.admin.passwordReset(dto.accessToken, dto.userId, meta);
  }

  @ContractPattern(AUTH_PATTERNS.adminListAudit)
  listAudit(@Payload(RPC_PAYLOAD) dto: AuditListRequestDto): Promise<AuditEventPageResponse> {
    return this.admin.listAudit(dto);
  }
}
