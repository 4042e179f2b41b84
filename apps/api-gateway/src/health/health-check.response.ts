import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { ALL_ERROR_CODES, DEPENDENCY_STATUSES, type ErrorCode } from '@nestjs-microservices/shared';
import { HEALTH_CHECKS } from './health-checks';

const CHECK_NAMES = Object.values(HEALTH_CHECKS).join('`, `');

/** The state of one check, under its name. */
export class HealthIndicatorState {
  @ApiProperty({ enum: DEPENDENCY_STATUSES, example: 'up' })
  status!: 'up' | 'down';

  @ApiPropertyOptional({ description: 'How long the check took, in milliseconds', example: 3 })
  durationMs?: number;

  @ApiPropertyOptional({
    description: 'Why the check is down',
    example: 'The authentication service did not answer in time',
  })
  message?: string;

  @ApiPropertyOptional({ description: 'For `signingKeys`: how many keys are loaded', example: 2 })
  keys?: number;

  @ApiPropertyOptional({
    description: 'For `revocations`: milliseconds since the revocation list was last synced',
    example: 420,
  })
  lastSyncAgeMs?: number;

  @ApiPropertyOptional({
    description: 'For `auth`: the error code of the failed call',
    enum: ALL_ERROR_CODES,
    enumName: 'ErrorCode',
    example: 'UPSTREAM_TIMEOUT',
  })
  code?: ErrorCode;
}

const checksByName = (description: string) =>
  ApiProperty({
    description: `${description}, by check name (\`${CHECK_NAMES}\`)`,
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(HealthIndicatorState) },
  });

/** What `@nestjs/terminus` answers on the health routes (200 and 503 alike). */
export class HealthCheckResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status!: 'ok' | 'error' | 'shutting_down';

  @checksByName('The checks that are up')
  info!: Record<string, HealthIndicatorState>;

  @checksByName('The checks that are down')
  error!: Record<string, HealthIndicatorState>;

  @checksByName('Every check')
  details!: Record<string, HealthIndicatorState>;
}
