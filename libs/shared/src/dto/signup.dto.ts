import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { COMMON_PASSWORD_LIST_SIZE } from '../validation/common-passwords';
import { EMAIL_MAX_LENGTH, IsAcceptableEmail } from '../validation/email';
import { IsUnambiguousUsername } from '../validation/username-rules';
import { composed, IsNotCommonPassword, NormalizePassword, NormalizeUsername } from '../validation/validators';

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 64;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
/**
 * The character set: letters (with their combining marks, which Indic and other scripts need to write a
 * letter at all, e.g. `राम`), decimal digits, `.`, `_` and `-`.
 */
export const USERNAME_CHARACTERS = /^[\p{L}\p{M}\p{Nd}._-]+$/u;

/** The password policy, for sign-up and for a new password alike. */
export const IsAcceptablePassword = (): PropertyDecorator =>
  composed(NormalizePassword(), IsString(), Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH), IsNotCommonPassword());

export class SignupDto {
  @ApiProperty({
    description:
      'Letters of one script (Japanese and Korean count as one), digits, ".", "_" and "-"; trimmed and ' +
      'NFKC-normalised before the checks; no invisible characters, variation selectors or combining marks off a ' +
      'letter. Unique regardless of letter case (the case as submitted is kept) and of look-alike letters ' +
      '(Unicode UTS #39 confusable skeleton).',
    example: 'alice',
    minLength: USERNAME_MIN_LENGTH,
    maxLength: USERNAME_MAX_LENGTH,
    pattern: USERNAME_CHARACTERS.source,
  })
  @NormalizeUsername()
  @IsString()
  @Length(USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH)
  @Matches(USERNAME_CHARACTERS, { message: 'username may contain only letters, digits, ".", "_" and "-"' })
  @IsUnambiguousUsername(USERNAME_MAX_LENGTH)
  username!: string;

  @ApiProperty({
    description:
      'NFKC-normalised, not trimmed; no composition rules (NIST SP 800-63B). Refused when among the ' +
      `${COMMON_PASSWORD_LIST_SIZE.toLocaleString('en-US')} most common passwords (case-insensitive).`,
    example: 'correct horse battery',
    format: 'password',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsAcceptablePassword()
  password!: string;

  @ApiPropertyOptional({
    description:
      'Optional: the address for account recovery. Trimmed, its domain lower-cased; unique regardless of letter ' +
      'case. A mail with a verification link is sent to it; only a verified address receives password resets.',
    example: 'alice@example.com',
    maxLength: EMAIL_MAX_LENGTH,
    format: 'email',
  })
  @IsOptional()
  @IsAcceptableEmail()
  email?: string;
}
