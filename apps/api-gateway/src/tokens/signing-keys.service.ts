import { Injectable } from '@nestjs/common';
import { SigningKeySet, SigningKeysUnavailableError } from '@nestjs-microservices/nest-auth';
import { ERROR_CODES, ERROR_MESSAGES, type JwksResponse } from '@nestjs-microservices/shared';
import { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { backgroundMeta } from '../common/background-meta';
import { GatewayConfig } from '../config/gateway-config';

/**
 * The auth service's public signing keys (`auth.jwks`): the package's key set, fetched over the transport every
 * JWKS_REFRESH_INTERVAL and on an unknown `kid` at most once per JWKS_REFETCH_COOLDOWN.
 */
@Injectable()
export class SigningKeysService extends SigningKeySet {
  constructor(auth: AuthClient, config: GatewayConfig) {
    super({
      fetchJwks: () => auth.jwks(backgroundMeta('jwks')),
      refreshIntervalMs: config.jwks.refreshIntervalMs,
      refetchCooldownMs: config.jwks.refetchCooldownMs,
    });
  }

  /** The JWK Set this gateway verifies with, as published by the auth service (public members only). */
  async jwks(): Promise<JwksResponse> {
    try {
      await this.ensureLoaded();
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError) {
        throw new ApiError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE);
      }
      throw error;
    }
    return this.document;
  }
}
