import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { GatewayConfig } from '../config/gateway-config';
import { RevocationSyncService } from '../tokens/revocation-sync.service';
import { SigningKeysService } from '../tokens/signing-keys.service';
import { HEALTH_CHECKS } from './health-checks';

/**
 * What this gateway needs to judge access tokens, from its own state (no call): `signingKeys` (at least
 * one key loaded) and `revocations` (the list synced within REVOCATION_SYNC_STALE_AFTER). A gateway whose list
 * is stale might let a revoked session through, so it takes itself out of the load balancer.
 */
@Injectable()
export class TokenHealthIndicator {
  private readonly staleAfterMs: number;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly sync: RevocationSyncService,
    private readonly indicators: HealthIndicatorService,
    config: GatewayConfig,
  ) {
    this.staleAfterMs = config.revocationSync.staleAfterMs;
  }

  check(): HealthIndicatorResult {
    return { ...this.signingKeys(), ...this.revocations() };
  }

  private signingKeys(): HealthIndicatorResult {
    const check = this.indicators.check(HEALTH_CHECKS.signingKeys);
    const keys = this.keys.size;
    return keys > 0 ? check.up({ keys }) : check.down({ keys, message: 'No signing key is loaded' });
  }

  private revocations(): HealthIndicatorResult {
    const check = this.indicators.check(HEALTH_CHECKS.revocations);
    const lastSuccessAt = this.sync.lastSuccessAt;
    if (lastSuccessAt === undefined) return check.down({ message: 'The revocation list was never synced' });
    const lastSyncAgeMs = Math.max(0, Date.now() - lastSuccessAt);
    return lastSyncAgeMs <= this.staleAfterMs
      ? check.up({ lastSyncAgeMs })
      : check.down({ lastSyncAgeMs, message: `The revocation list was last synced ${lastSyncAgeMs} ms ago` });
  }
}
