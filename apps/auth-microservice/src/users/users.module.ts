import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { LoginThrottleModule } from '../login-throttle/login-throttle.module';
import { AccountMailModule } from '../recovery/account-mail.module';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [CredentialsModule, LoginThrottleModule, SessionsModule, AccountMailModule],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository],
  exports: [UsersRepository, CredentialsModule, LoginThrottleModule, SessionsModule, AccountMailModule],
})
export class UsersModule {}
