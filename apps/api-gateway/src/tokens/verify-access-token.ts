import { createAccessTokenVerifier, type VerifyAccessToken } from '@nestjs-microservices/nest-auth';
import type { GatewayConfig } from '../config/gateway-config';
import type { SigningKeysService } from './signing-keys.service';

/** Injection token of the gateway's `VerifyAccessToken`. */
export const VERIFY_ACCESS_TOKEN = Symbol('VERIFY_ACCESS_TOKEN');

/** The shared verifier, with this gateway's issuer, audience, tolerance and ACCESS_TOKEN_TTL, and the keys of `auth.jwks`. */
export function gatewayTokenVerifier(config: GatewayConfig, keys: SigningKeysService): VerifyAccessToken {
  return createAccessTokenVerifier({
    issuer: config.tokens.issuer,
    audience: config.tokens.audience,
    clockToleranceSeconds: config.tokens.clockToleranceSeconds,
    accessTtlMs: config.tokens.accessTtlMs,
    cacheSize: config.tokens.verifiedCacheSize,
    resolveKey: (kid) => keys.resolveKey(kid),
  });
}
