import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { EMAIL_MAX_LENGTH, IsAcceptableEmail } from '../validation/email';
import { composed, IsTokenString, NormalizePassword, NormalizeUsername } from '../validation/validators';
import { IsAcceptablePassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_MAX_LENGTH } from './signup.dto';

/** Verification and reset tokens: 32 random bytes, base64url (43 characters); anything far off is not ours. */
export const ACCOUNT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

const currentPassword = () =>
  ApiProperty({ description: 'The password in use now', format: 'password', example: 'correct horse battery' });

const IsCurrentPassword = (): PropertyDecorator =>
  composed(NormalizePassword(), IsString(), IsNotEmpty(), MaxLength(PASSWORD_MAX_LENGTH));

const IsAccountToken = (): PropertyDecorator =>
  composed(IsString(), Matches(ACCOUNT_TOKEN_PATTERN, { message: '$property is not a token of this service' }));

/** `POST /api/auth/email`: a new address for the account; it replaces the old one once verified. */
export class ChangeEmailDto {
  @ApiProperty({
    description: 'The new address: trimmed, its domain lower-cased; unique regardless of letter case',
    format: 'email',
    example: 'alice@example.org',
    maxLength: EMAIL_MAX_LENGTH,
  })
  @IsAcceptableEmail()
  email!: string;

  @currentPassword()
  @IsCurrentPassword()
  currentPassword!: string;
}

/** `auth.email.change`: the HTTP body plus the caller's access token. */
export class ChangeEmailRequestDto extends ChangeEmailDto {
  @IsTokenString()
  accessToken!: string;
}

/** `POST /api/auth/email/verify`: the token of a verification link (its `token=` query parameter). */
export class VerifyEmailDto {
  @ApiProperty({ description: 'The `token` parameter of the link in the verification mail', example: 'q1w2…' })
  @IsAccountToken()
  token!: string;
}

/** `POST /api/auth/password/forgot`: who forgot their password, by address or by username. */
export class ForgotPasswordDto {
  @ApiPropertyOptional({
    description: 'The account’s address (give this or `username`; if both, the address is used)',
    format: 'email',
    example: 'alice@example.com',
    maxLength: EMAIL_MAX_LENGTH,
  })
  @ValidateIf((dto: ForgotPasswordDto) => dto.username === undefined || dto.email !== undefined)
  @IsAcceptableEmail()
  email?: string;

  @ApiPropertyOptional({ description: 'The account’s username, in any letter case', example: 'alice' })
  @ValidateIf((dto: ForgotPasswordDto) => dto.email === undefined)
  @NormalizeUsername()
  @IsString()
  @IsNotEmpty()
  @MaxLength(USERNAME_MAX_LENGTH)
  username?: string;
}

/** `POST /api/auth/password/reset`: the token of a reset link and the new password. */
export class ResetPasswordDto {
  @ApiProperty({ description: 'The `token` parameter of the link in the reset mail', example: 'q1w2…' })
  @IsAccountToken()
  token!: string;

  @ApiProperty({
    description: 'Same rules as at sign-up',
    format: 'password',
    example: 'staple battery horse correct',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsAcceptablePassword()
  newPassword!: string;
}

/** `DELETE /api/auth/account`: the password again, so a token alone cannot delete an account. */
export class DeleteAccountDto {
  @currentPassword()
  @IsCurrentPassword()
  currentPassword!: string;
}

/** `auth.account.delete`: the HTTP body plus the caller's access token. */
export class DeleteAccountRequestDto extends DeleteAccountDto {
  @IsTokenString()
  accessToken!: string;
}
