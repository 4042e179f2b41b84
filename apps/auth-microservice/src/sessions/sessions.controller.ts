import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
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
import { ContractPattern } from '../common/contract-pattern.decorator';
import { Meta } from '../common/request-meta.decorator';
import { SessionTokens } from './session-tokens.service';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: SessionTokens,
  ) {}

  @ContractPattern(AUTH_PATTERNS.refresh)
  refresh(@Payload(RPC_PAYLOAD) dto: RefreshDto, @Meta() meta: RequestMeta): Promise<TokenResponse> {
    return this.tokens.refresh(dto.refreshToken, meta);
  }

  @ContractPattern(AUTH_PATTERNS.listSessions)
  list(@Payload(RPC_PAYLOAD) dto: SessionAuthDto): Promise<SessionResponse[]> {
    return this.sessions.list(dto.accessToken);
  }

  @ContractPattern(AUTH_PATTERNS.endSession)
  end(@Payload(RPC_PAYLOAD) dto: EndSessionDto, @Meta() meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.sessions.endOne(dto.accessToken, dto.sessionId, meta);
  }

  @ContractPattern(AUTH_PATTERNS.logout)
  logout(@Payload(RPC_PAYLOAD) dto: SessionAuthDto, @Meta() meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.sessions.logout(dto.accessToken, meta);
  }

  @ContractPattern(AUTH_PATTERNS.logoutAll)
  logoutAll(@Payload(RPC_PAYLOAD) dto: SessionAuthDto, @Meta() meta: RequestMeta): Promise<EndedSessionsResponse> {
    return this.sessions.logoutAll(dto.accessToken, meta);
  }

  @ContractPattern(AUTH_PATTERNS.revocations)
  revocations(@Payload(RPC_PAYLOAD) dto: RevocationsQueryDto): Promise<RevocationsResponse> {
    return this.sessions.revocations(dto.since === undefined ? undefined : new Date(dto.since));
  }
}
