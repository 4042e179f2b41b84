import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import {
  LoginDto,
  type LoginResponse,
  type RequestMeta,
  SignupDto,
  type UserResponse,
} from '@nestjs-microservices/shared';
import { ClientMeta } from '../common/request-meta.decorator';
import { AuthClient } from './auth.client';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthClient) {}

  @Post('signup')
  @HttpCode(HttpStatus.CREATED)
  signup(@Body() dto: SignupDto, @ClientMeta() meta: RequestMeta): Promise<UserResponse> {
    return this.auth.signup(dto, meta);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  login(@Body() dto: LoginDto, @ClientMeta() meta: RequestMeta): Promise<LoginResponse> {
    return this.auth.login(dto, meta);
  }
}
