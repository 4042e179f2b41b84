import { Module } from '@nestjs/common';
import { AuthClientModule } from '../auth/auth-client.module';
import { TokensModule } from '../tokens/tokens.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

@Module({
  imports: [AuthClientModule, TokensModule],
  controllers: [AdminController],
  providers: [AdminService],
})
export class AdminModule {}
