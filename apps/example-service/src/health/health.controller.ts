import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public, TokenAuthHealthIndicator } from '@nestjs-microservices/nest-auth';
import { ShutdownState } from '@nestjs-microservices/runtime';

/**
 * `GET /api/health`: up while this service can judge tokens (keys loaded, revocation feed fresh) and is not shutting
 * down (from SIGTERM on it still serves for SHUTDOWN_DRAIN_DELAY, reported down so that traffic moves away first).
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly tokenAuth: TokenAuthHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    if (this.shutdown.draining) {
      const check = this.indicators.check('shutdown');
      return this.health.check([() => check.down({ message: 'This service is shutting down' })]);
    }
    return this.health.check([() => this.tokenAuth.isHealthy('token-auth')]);
  }
}
