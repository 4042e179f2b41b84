import { IsString, Length, Matches } from 'class-validator';
import { IsNotCommonPassword, NormalizePassword, NormalizeUsername } from '../validation/validators';

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 64;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/**
 * Letters of any script (with their combining marks, which Indic and other scripts need to write a
 * letter at all, e.g. `राम`), decimal digits, `.`, `_` and `-`.
 */
export const USERNAME_CHARACTERS = /^[\p{L}\p{M}\p{Nd}._-]+$/u;

export class SignupDto {
  @NormalizeUsername()
  @IsString()
  @Length(USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH)
  @Matches(USERNAME_CHARACTERS, { message: 'username may contain only letters, digits, ".", "_" and "-"' })
  username!: string;

  @NormalizePassword()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  @IsNotCommonPassword()
  password!: string;
}
