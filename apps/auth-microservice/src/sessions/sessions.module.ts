import { Module } from '@nestjs/common';
import { RolesModule } from '../roles/roles.module';
import { TokensModule } from '../tokens/tokens.module';
import { RevocationBroadcast } from './revocation-broadcast';
import { SessionTokens } from './session-tokens.service';
import { SessionMetrics } from './session.metrics';
import { SessionsController } from './sessions.controller';
import { SessionsMaintenance } from './sessions.maintenance';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

@Module({
  imports: [TokensModule, RolesModule],
  controllers: [SessionsController],
  providers: [
    SessionsService,
    SessionTokens,
    SessionsRepository,
    SessionMetrics,
    SessionsMaintenance,
    RevocationBroadcast,
  ],
  exports: [SessionsService, SessionTokens, SessionsRepository, RevocationBroadcast],
})
export class SessionsModule {}
