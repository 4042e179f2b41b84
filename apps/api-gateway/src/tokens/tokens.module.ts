import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthClientModule } from '../auth/auth-client.module';
import { GatewayConfig } from '../config/gateway-config';
import { AccessTokenGuard } from './access-token.guard';
import { RevocationList } from './revocation-list';
import { RevocationSyncService } from './revocation-sync.service';
import { SigningKeysService } from './signing-keys.service';
import { gatewayTokenVerifier, VERIFY_ACCESS_TOKEN } from './verify-access-token';

/**
 * Access tokens: the signing keys, the revocation list and its sync, and the global guard that makes every
 * route protected unless `@Public()`. Import it after `RateLimitModule`: global guards run in the order their
 * modules are registered, and the per-IP limit must count a request before its signature is checked.
 */
@Module({
  imports: [AuthClientModule],
  providers: [
    SigningKeysService,
    RevocationList,
    RevocationSyncService,
    { provide: VERIFY_ACCESS_TOKEN, inject: [GatewayConfig, SigningKeysService], useFactory: gatewayTokenVerifier },
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
  exports: [SigningKeysService, RevocationList, RevocationSyncService],
})
export class TokensModule {}
