import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

export const HEALTH_CHECK_MAX_TIMEOUT_MS = 10_000;

/** `auth.health`: how long the auth service may spend on its own checks (the caller waits a little longer). */
export class HealthCheckDto {
  @ApiProperty({
    description: 'Budget of the database check, in milliseconds',
    minimum: 1,
    maximum: HEALTH_CHECK_MAX_TIMEOUT_MS,
    example: 750,
  })
  @IsInt()
  @Min(1)
  @Max(HEALTH_CHECK_MAX_TIMEOUT_MS)
  timeoutMs!: number;
}
