import { HttpException } from '@nestjs/common';
import { bearerChallenge, TOKEN_ERROR_STATUS, tokenErrorBody, type TokenErrorCode } from '../contract/token-errors';

/**
 * A refused access token on HTTP: `{ statusCode, code, message }` with the status of its code, answered as it is by
 * Nest's default exception filter on Express and Fastify, and carrying its `WWW-Authenticate` challenge.
 */
export class TokenAuthException extends HttpException {
  readonly challenge: string | undefined;

  constructor(readonly code: TokenErrorCode) {
    super(tokenErrorBody(code), TOKEN_ERROR_STATUS[code]);
    this.challenge = bearerChallenge(code);
  }
}
