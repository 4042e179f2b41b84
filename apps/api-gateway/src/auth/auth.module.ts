import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { TokensModule } from '../tokens/tokens.module';
import { AuthClientModule } from './auth-client.module';
import { AuthController } from './auth.controller';

@Module({
  imports: [AuthClientModule, TokensModule, SessionsModule],
  controllers: [AuthController],
})
export class AuthModule {}
