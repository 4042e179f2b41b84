import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ShutdownState } from '@nestjs-microservices/runtime';
import { AuthClientModule } from '../auth/auth-client.module';
import { TokensModule } from '../tokens/tokens.module';
import { AuthHealthIndicator } from './auth-health.indicator';
import { HealthController } from './health.controller';
import { TokenHealthIndicator } from './token-health.indicator';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), AuthClientModule, TokensModule],
  controllers: [HealthController],
  providers: [AuthHealthIndicator, TokenHealthIndicator, ShutdownState],
})
export class HealthModule {}
