import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/auth.module';
import { AuthHealthIndicator } from './auth-health.indicator';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), AuthModule],
  controllers: [HealthController],
  providers: [AuthHealthIndicator],
})
export class HealthModule {}
