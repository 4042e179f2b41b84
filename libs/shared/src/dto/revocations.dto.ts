import { IsISO8601, IsOptional } from 'class-validator';

/** `auth.revocations`: the revoked sessions since a point in time (the `serverTime` of the previous answer). */
export class RevocationsQueryDto {
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;
}
