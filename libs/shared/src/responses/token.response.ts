import { ApiProperty } from '@nestjs/swagger';
import { TOKEN_TYPE } from '../tokens/access-token';
import { UserResponse } from './user.response';

/** What a login and a refresh hand out. */
export class TokenResponse {
  @ApiProperty({
    description: 'JWT (`typ: at+jwt`, EdDSA). Send it as `Authorization: Bearer <accessToken>`.',
    example: 'eyJhbGciOiJFZERTQSIsImtpZCI6IjAxOTBhNmM0IiwidHlwIjoiYXQrand0In0.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
  })
  accessToken!: string;

  @ApiProperty({ description: 'When the access token expires (ISO-8601, UTC)', format: 'date-time' })
  accessTokenExpiresAt!: string;

  @ApiProperty({
    description:
      'Opaque, single use: exchange it at `POST /api/auth/refresh` for new tokens. Absent in cookie mode (`X-Auth-Mode: cookie`), which sets it in an HttpOnly cookie instead',
    example: 'kq3J1hC9bW0m5dS2yTq8c4ZlW6vYp7nR1xF0aE3uG2o',
  })
  refreshToken!: string;

  @ApiProperty({
    description:
      'When the refresh token expires unless used before (ISO-8601, UTC): the idle expiry, capped by the absolute one',
    format: 'date-time',
  })
  refreshTokenExpiresAt!: string;

  @ApiProperty({ enum: [TOKEN_TYPE], example: TOKEN_TYPE })
  tokenType!: typeof TOKEN_TYPE;
}

export class LoginResponse extends TokenResponse {
  @ApiProperty({ description: 'The user who logged in', type: () => UserResponse })
  user!: UserResponse;
}
