import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public, TokenAuthHealthIndicator } from '@nestjs-microservices/nest-auth';

/** `GET /api/health`: up while this service can judge tokens (keys loaded, revocation feed fresh). */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly tokenAuth: TokenAuthHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.tokenAuth.isHealthy('token-auth')]);
  }
}
