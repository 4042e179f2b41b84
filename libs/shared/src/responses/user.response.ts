import { ApiProperty } from '@nestjs/swagger';

/** A user as anyone outside the auth service may see it: never a hash, never a password. */
export class UserResponse {
  @ApiProperty({
    description: 'UUID v7 (time-ordered)',
    format: 'uuid',
    example: '0190a6c4-5d2e-7b3a-9c1f-2e4d6a8b0c12',
  })
  id!: string;

  @ApiProperty({ description: 'As submitted at sign-up, after trimming and NFKC normalisation', example: 'alice' })
  username!: string;

  /** ISO-8601, UTC. */
  @ApiProperty({ description: 'ISO-8601, UTC', format: 'date-time', example: '2025-01-01T12:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    description: 'The address on file for recovery (null: none). A new address replaces it once verified.',
    type: String,
    nullable: true,
    format: 'email',
    example: 'alice@example.com',
  })
  email!: string | null;

  @ApiProperty({ description: 'Whether `email` was verified (only a verified address receives password resets)' })
  emailVerified!: boolean;
}
