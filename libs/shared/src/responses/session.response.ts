import type { RevokedSession } from './revocations.response';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `GET /api/auth/me`: who the verified access token says the caller is. */
export class MeResponse {
  @ApiProperty({ description: 'The user id (`sub`)', format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ description: 'The session of this token (`sid`)', format: 'uuid' })
  sessionId!: string;

  @ApiPropertyOptional({
    description: 'The account’s address (`email` claim), only when it has one; as of the token’s issue',
    format: 'email',
    example: 'alice@example.com',
  })
  email?: string;

  @ApiPropertyOptional({ description: 'Whether `email` is verified (`email_verified` claim), with `email`' })
  emailVerified?: boolean;
}

/** One of the caller's active sessions. */
export class SessionResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The login that started it (ISO-8601, UTC)', format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'Its last login or refresh (ISO-8601, UTC)', format: 'date-time' })
  lastUsedAt!: string;

  @ApiProperty({ description: 'Client address at login', type: String, nullable: true, example: '203.0.113.7' })
  ip!: string | null;

  @ApiProperty({ description: 'User agent at login', type: String, nullable: true, example: 'Mozilla/5.0' })
  userAgent!: string | null;

  @ApiProperty({ description: 'True for the session of the access token that asked' })
  current!: boolean;
}

/** What `auth.logout`, `auth.logout-all`, `auth.sessions.end` and `auth.password.change` ended. */
export interface EndedSessionsResponse {
  /** The gateway that asked puts them on its revoked list at once; the others learn them from `auth.revocations`. */
  revoked: RevokedSession[];
}
