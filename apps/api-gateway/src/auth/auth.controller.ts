import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { LoginDto, type LoginResponse, SignupDto, type UserResponse } from '@nestjs-microservices/shared';
import { AuthClient } from './auth.client';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthClient) {}

  @Post('signup')
  @HttpCode(HttpStatus.CREATED)
  signup(@Body() dto: SignupDto): Promise<UserResponse> {
    return this.auth.signup(dto);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  login(@Body() dto: LoginDto): Promise<LoginResponse> {
    return this.auth.login(dto);
  }
}
