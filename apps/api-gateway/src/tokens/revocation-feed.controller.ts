import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, NotFoundException, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { RevocationFeedResponse } from '@nestjs-microservices/nest-auth';
import { ERROR_CODES, ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { ApiError } from '../common/api-error';
import { GatewayConfig } from '../config/gateway-config';
import { Public } from './public.decorator';
import { RevocationList } from './revocation-list';

const BEARER = /^bearer +(\S+) *$/i;
const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `GET /api/auth/revocations?since=<cursor>`: the sessions this gateway knows as revoked, for resource services
 * (`@nestjs-microservices/nest-auth` polls it). Not for users: it takes the service credential
 * REVOCATION_FEED_TOKEN as a bearer token instead of an access token, and without that setting it does not exist.
 */
@ApiExcludeController()
@Public()
@Controller('auth')
export class RevocationFeedController {
  private readonly expected: Buffer | undefined;

  constructor(
    private readonly revocations: RevocationList,
    config: GatewayConfig,
  ) {
    const { token } = config.revocationFeed;
    this.expected = token === undefined ? undefined : digest(token);
  }

  @Get('revocations')
  feed(@Headers('authorization') authorization: unknown, @Query('since') since: unknown): RevocationFeedResponse {
    if (this.expected === undefined) throw new NotFoundException('Cannot GET /api/auth/revocations');
    const token = typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
    if (token === undefined) {
      throw new ApiError(
        ERROR_CODES.AUTHENTICATION_REQUIRED,
        'This feed needs the service token: Authorization: Bearer <token>',
      );
    }
    // Compared as digests: equal lengths, and no timing hint about the token.
    if (!timingSafeEqual(digest(token), this.expected)) {
      throw new ApiError(ERROR_CODES.INVALID_TOKEN, ERROR_MESSAGES.INVALID_TOKEN);
    }
    return this.revocations.changesSince(typeof since === 'string' ? since : undefined);
  }
}
