import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  RolesGuard,
  TokenAuthenticator,
  TokenAuthGuard,
  type VerifyAccessToken,
} from '@nestjs-microservices/nest-auth';
import { AuthClientModule } from '../auth/auth-client.module';
import { GatewayConfig } from '../config/gateway-config';
import { RevocationFeedController } from './revocation-feed.controller';
import { RevocationList } from './revocation-list';
import { RevocationSyncService } from './revocation-sync.service';
import { SigningKeysService } from './signing-keys.service';
import { gatewayTokenVerifier, VERIFY_ACCESS_TOKEN } from './verify-access-token';

/**
 * Access tokens: the signing keys, the revocation list, its sync and its feed to resource services, and the
 * package's global guard that makes every route protected unless `@Public()`. Import it after `RateLimitModule`:
 * global guards run in the order their modules are registered, and the per-IP limit must count a request before its
 * signature is checked.
 */
@Module({
  imports: [AuthClientModule],
  controllers: [RevocationFeedController],
  providers: [
    SigningKeysService,
    RevocationList,
    RevocationSyncService,
    { provide: VERIFY_ACCESS_TOKEN, inject: [GatewayConfig, SigningKeysService], useFactory: gatewayTokenVerifier },
    {
      provide: TokenAuthenticator,
      inject: [VERIFY_ACCESS_TOKEN, SigningKeysService, RevocationList],
      useFactory: (verify: VerifyAccessToken, keys: SigningKeysService, revocations: RevocationList) =>
        new TokenAuthenticator(verify, keys, revocations),
    },
    { provide: APP_GUARD, useClass: TokenAuthGuard },
    // After the token guard: @Roles() reads the caller it verified.
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [SigningKeysService, RevocationList, RevocationSyncService],
})
export class TokensModule {}
