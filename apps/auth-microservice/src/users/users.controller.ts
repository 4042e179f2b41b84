import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AUTH_PATTERNS,
  ChangePasswordRequestDto,
  type EndedSessionsResponse,
  LoginDto,
  type LoginResponse,
  type RequestMeta,
  RPC_PAYLOAD,
  SignupDto,
  type UserResponse,
} from '@nestjs-microservices/shared';
import { ContractPattern } from '../common/contract-pattern.decorator';
import { Meta } from '../common/request-meta.decorator';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @ContractPattern(AUTH_PATTERNS.signup)
  signup(@Payload(RPC_PAYLOAD) dto: SignupDto, @Meta() meta: RequestMeta): Promise<UserResponse> {
    return this.users.signup(dto, meta);
  }

  @ContractPattern(AUTH_PATTERNS.login)
  login(@Payload(RPC_PAYLOAD) dto: LoginDto, @Meta() meta: RequestMeta): Promise<LoginResponse> {
    return this.users.login(dto, meta);
  }

  @ContractPattern(AUTH_PATTERNS.changePassword)
  changePassword(
    @Payload(RPC_PAYLOAD) dto: ChangePasswordRequestDto,
    @Meta() meta: RequestMeta,
  ): Promise<EndedSessionsResponse> {
    return this.users.changePassword(dto, meta);
  }
}
