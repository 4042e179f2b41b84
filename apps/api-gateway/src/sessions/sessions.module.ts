import { Module } from '@nestjs/common';
import { AuthClientModule } from '../auth/auth-client.module';
import { TokensModule } from '../tokens/tokens.module';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

@Module({
  imports: [AuthClientModule, TokensModule],
  controllers: [SessionsController],
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
