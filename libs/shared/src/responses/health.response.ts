import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const DEPENDENCY_STATUSES = ['up', 'down'] as const;
export type DependencyStatus = (typeof DEPENDENCY_STATUSES)[number];

/** One dependency as the auth service sees it. `message` says why it is down, without internals. */
export class DependencyHealth {
  @ApiProperty({ enum: DEPENDENCY_STATUSES, example: 'up' })
  status!: DependencyStatus;

  @ApiProperty({ description: 'How long the check took, in milliseconds', example: 1.2 })
  durationMs!: number;

  @ApiPropertyOptional({ description: 'Why it is down', example: 'the database did not answer within 750 ms' })
  message?: string;
}

/** The answer to `auth.health`: the auth service is up (it answered); these are its dependencies. */
export class AuthHealthResponse {
  @ApiProperty({
    description: 'A `select 1` through the connection pool of the auth service',
    type: () => DependencyHealth,
  })
  database!: DependencyHealth;
}
