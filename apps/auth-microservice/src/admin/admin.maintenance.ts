import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuthConfig } from '../config/auth-config';
import { AdminUsersRepository } from './admin-users.repository';

const EVERY_MS = 10 * 60_000;
/** As long as ended sessions are kept (a day), and always past the revocation feed's horizon. */
const KEEP_DELETED_MS = 86_400_000;

/** Removes the rows of accounts an administrator deleted, once their revoked sessions matter to nobody. */
@Injectable()
export class AdminMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Admin');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly accounts: AdminUsersRepository,
    private readonly config: AuthConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(now = new Date()): Promise<number> {
    try {
      const keepMs = Math.max(KEEP_DELETED_MS, this.config.accessTokenHorizonMs);
      return await this.accounts.purgeDeleted(new Date(now.getTime() - keepMs));
    } catch (error) {
      this.logger.warn(`Could not purge deleted accounts (retried later): ${String(error)}`);
      return 0;
    }
  }
}
