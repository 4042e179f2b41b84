import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AuthConfig } from '../config/auth-config';
import { SigningKeysService } from './signing-keys.service';

/**
 * Automatic rotation: every instance checks on a timer (a quarter of the rotation interval, between 1 s and a
 * minute); the unique generation makes sure only one of them adds the key.
 */
@Injectable()
export class SigningKeysMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger('SigningKeys');
  private running = false;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AuthConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  /** The period comes from the configuration, so it cannot be an @Interval; the registry clears it at shutdown. */
  onApplicationBootstrap(): void {
    const everyMs = Math.min(60_000, Math.max(1_000, Math.floor(this.config.signingKeys.rotationIntervalMs / 4)));
    const timer = setInterval(() => void this.tick(), everyMs);
    this.scheduler.addInterval('signing-keys', timer);
  }

  /** Skipped while the previous run is still going: the scheduler's intervals do not wait for async work. */
  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.keys.maintain();
    } catch (error) {
      this.logger.warn(`Signing key maintenance failed (retried on the next tick): ${String(error)}`);
    } finally {
      this.running = false;
    }
  }
}
