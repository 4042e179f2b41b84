import { Module } from '@nestjs/common';
import { LoginFailuresRepository } from './login-failures.repository';
import { LoginThrottle } from './login-throttle.service';

@Module({ providers: [LoginThrottle, LoginFailuresRepository], exports: [LoginThrottle] })
export class LoginThrottleModule {}
