import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { NormalizePassword, NormalizeUsername } from '../validation/validators';
import { PASSWORD_MAX_LENGTH, USERNAME_MAX_LENGTH } from './signup.dto';

/**
 * Looser than sign-up on purpose: a login is only checked for shape and size. Anything that
 * cannot match an account ends as INVALID_CREDENTIALS, so the rules leak nothing about accounts
 * and a stricter future policy does not lock out existing users.
 */
export class LoginDto {
  @NormalizeUsername()
  @IsString()
  @IsNotEmpty()
  @MaxLength(USERNAME_MAX_LENGTH)
  username!: string;

  @NormalizePassword()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}
