import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { COMMON_PASSWORD_LIST_SIZE } from '../validation/common-passwords';
import { NormalizePassword } from '../validation/validators';
import { IsAcceptablePassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './signup.dto';

/** `POST /api/auth/password`. The new password follows the sign-up policy; the current one is only checked for size. */
export class ChangePasswordDto {
  @ApiProperty({ description: 'The password in use now', format: 'password', example: 'correct horse battery' })
  @NormalizePassword()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @ApiProperty({
    description: `Same rules as at sign-up (${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters, not among the ${COMMON_PASSWORD_LIST_SIZE.toLocaleString('en-US')} most common passwords), and different from the current one`,
    format: 'password',
    example: 'staple battery horse correct',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsAcceptablePassword()
  newPassword!: string;
}
