import { Module } from '@nestjs/common';
import { AuthClientModule } from '../auth/auth-client.module';
import { TokensModule } from '../tokens/tokens.module';
import { RecoveryController } from './recovery.controller';
import { RecoveryService } from './recovery.service';

@Module({
  imports: [AuthClientModule, TokensModule],
  controllers: [RecoveryController],
  providers: [RecoveryService],
})
export class RecoveryModule {}
