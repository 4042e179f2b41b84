import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ShutdownState } from '@nestjs-microservices/runtime';
import type { RequestMeta } from '@nestjs-microservices/shared';
import { ClientMeta } from '../common/request-meta.decorator';
import { Public } from '../tokens/public.decorator';
import { AuthHealthIndicator } from './auth-health.indicator';
import { HEALTH_CHECKS } from './health-checks';
import { HealthCheckFilter } from './health-check.filter';
import { HealthCheckResponse, HealthIndicatorState } from './health-check.response';
import { READY_EXAMPLE, UNREADY_EXAMPLES } from './health-examples';
import { TokenHealthIndicator } from './token-health.indicator';

/** Public, never cached (`@HealthCheck`, and `HealthCheckFilter` for the 503). */
@Public()
@ApiTags('health')
@ApiExtraModels(HealthIndicatorState)
@UseFilters(HealthCheckFilter)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly authHealth: AuthHealthIndicator,
    private readonly tokenHealth: TokenHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Liveness: the gateway process runs',
    description: 'Checks no dependency, so a restart of the auth service never restarts the gateway.',
  })
  @ApiOkResponse({ description: 'The process runs', type: HealthCheckResponse })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({
    summary: 'Readiness: the auth service answers and reaches its database; access tokens can be judged',
    description:
      'Pings the auth service over the transport (`auth.health`, timeout `HEALTH_TIMEOUT_MS`); the auth ' +
      'service runs `select 1` on its database. Answers within the timeout even when the auth service hangs. ' +
      'Also down while no signing key is loaded (`signingKeys`) or when the revocation list was last synced ' +
      'longer than `REVOCATION_SYNC_STALE_AFTER` ago (`revocations`), and from SIGTERM on (`shutdown`), while the ' +
      'gateway still serves for `SHUTDOWN_DRAIN_DELAY` so that load balancers stop sending it requests first.',
  })
  @ApiOkResponse({
    description: 'Every check (`auth`, `database`, `signingKeys`, `revocations`) is up',
    type: HealthCheckResponse,
    example: READY_EXAMPLE,
  })
  @ApiServiceUnavailableResponse({
    description: 'A check is down (or the gateway is shutting down); `error` names it',
    type: HealthCheckResponse,
    examples: UNREADY_EXAMPLES,
  })
  ready(@ClientMeta() meta: RequestMeta): Promise<HealthCheckResult> {
    if (this.shutdown.draining) {
      const check = this.indicators.check(HEALTH_CHECKS.shutdown);
      return this.health.check([() => check.down({ message: 'This gateway is shutting down' })]);
    }
    return this.health.check([() => this.authHealth.check(meta), () => this.tokenHealth.check()]);
  }
}
