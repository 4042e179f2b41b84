import { ApiProperty } from '@nestjs/swagger';
import { TOKEN_MAX_LENGTH } from '../tokens/access-token';
import { IsTokenString } from '../validation/validators';

/** `POST /api/auth/refresh` and `auth.refresh`. */
export class RefreshDto {
  @ApiProperty({
    description: 'The refresh token of the last login or refresh. It is used up by this call.',
    example: 'kq3J1hC9bW0m5dS2yTq8c4ZlW6vYp7nR1xF0aE3uG2o',
    maxLength: TOKEN_MAX_LENGTH,
  })
  @IsTokenString()
  refreshToken!: string;
}
