import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AUTH_PATTERNS,
  type EndedSessionsResponse,
  EndSessionDto,
  RefreshDto,
  type RequestMeta,
  RevocationsQueryDto,
  type RevocationsResponse,
  RPC_PAYLOAD,
  SessionAuthDto,
  type SessionResponse,
  type TokenResponse,
} from '@nestjs-microservices/shared';
import { Meta } from '../common/request-meta.decorator';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @MessagePattern(AUTH_PATTERNS.refresh)
  refresh(@Payload(RPC_PAYLOAD) dto: RefreshDto, @Meta() meta: RequestMeta): Promise<TokenResponse> {
    return this.sessions.refresh(dto.refreshToken, meta);
  }

  @MessagePattern(AUTH_PATTERNS.listSessions)
  list(@Payload(RPC_PAYLOAD) dto: SessionAuthDto): Promise<SessionResponse[]> {
    return this.sessions.list(dto.accessToken);
  }

  @MessagePattern(AUTH_PATTERNS.endSession)
  end(@Payload(RPC_PAYLOAD) dto: EndSessionDto, @Meta() meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.sessions.endOne(dto.accessToken, dto.sessionId, meta);
  }

  @MessagePattern(AUTH_PATTERNS.logout)
  logout(@Payload(RPC_PAYLOAD) dto: SessionAuthDto, @Meta() meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.sessions.logout(dto.accessToken, meta);
  }

  @MessagePattern(AUTH_PATTERNS.logoutAll)
  logoutAll(@Payload(RPC_PAYLOAD) dto: SessionAuthDto, @Meta() meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.sessions.logoutAll(dto.accessToken, meta);
  }

  @MessagePattern(AUTH_PATTERNS.revocations)
  revocations(@Payload(RPC_PAYLOAD) dto: RevocationsQueryDto): Promise<RevocationsResponse> {
    return this.sessions.revocations(dto.since === undefined ? undefined : new Date(dto.since));
  }
}
