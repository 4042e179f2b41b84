import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuthConfig } from '../config/auth-config';
import { SigningKeysService } from './signing-keys.service';

/**
 * Automatic rotation: every instance checks on a timer (a quarter of the rotation interval, between 1 s and a
 * minute); the unique generation makes sure only one of them adds the key.
 */
@Injectable()
export class SigningKeysMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeys');
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: AuthConfig,
  ) {}

  onApplicationBootstrap(): void {
    const everyMs = Math.min(60_000, Math.max(1_000, Math.floor(this.config.signingKeys.rotationIntervalMs / 4)));
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

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
