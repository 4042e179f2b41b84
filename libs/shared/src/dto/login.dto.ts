import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NormalizePassword, NormalizeUsername } from '../validation/validators';
import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH } from './signup.dto';

/**
 * Looser than sign-up on purpose: a login is only checked for shape and size. Anything that
 * cannot match an account ends as INVALID_CREDENTIALS, so the rules leak nothing about accounts
 * and a stricter future policy does not lock out existing users (the look-alike rules of sign-up,
 * `IsUnambiguousUsername`, are not applied here for that reason).
 */
export class LoginDto {
  @ApiProperty({
    description: 'Any letter case; trimmed and NFKC-normalised. Only shape and size are checked.',
    example: 'alice',
    minLength: 1,
    maxLength: USERNAME_MAX_LENGTH,
  })
  @NormalizeUsername()
  @IsString()
  @IsNotEmpty()
  @MaxLength(USERNAME_MAX_LENGTH)
  username!: string;

  @ApiProperty({
    description: 'NFKC-normalised, not trimmed. Only shape and size are checked.',
    example: 'correct horse battery',
    format: 'password',
    minLength: 1,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @NormalizePassword()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}
