import { ApiProperty } from '@nestjs/swagger';

/** `202` of `POST /api/auth/password/forgot`: the same body whether or not an account matched. */
export class AcceptedResponse {
  @ApiProperty({
    example: 'If an account with a verified address matches, a mail with a reset link is on its way.',
  })
  message!: string;
}

export const PASSWORD_RESET_ACCEPTED_MESSAGE =
  'If an account with a verified address matches, a mail with a reset link is on its way.';
