import { IsUUID } from 'class-validator';
import { IsTokenString } from '../validation/validators';
import { ChangePasswordDto } from './change-password.dto';

/**
 * The RPC payload of every call made on behalf of a signed-in user: the gateway forwards the caller's access
 * token, and the auth service verifies it again (signature, claims, session) before it acts. It never takes the
 * gateway's word for who the caller is.
 */
export class SessionAuthDto {
  @IsTokenString()
  accessToken!: string;
}

/** `auth.sessions.end`: end one of the caller's sessions. */
export class EndSessionDto extends SessionAuthDto {
  @IsUUID()
  sessionId!: string;
}

/** `auth.password.change`: the HTTP body plus the caller's access token. */
export class ChangePasswordRequestDto extends ChangePasswordDto {
  @IsTokenString()
  accessToken!: string;
}
