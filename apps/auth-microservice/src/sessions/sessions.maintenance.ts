import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AuthConfig } from '../config/auth-config';
import { SessionsRepository } from './sessions.repository';

/** Ended sessions are kept a day (for support and audit) and always past the revocation feed's horizon. */
const KEEP_ENDED_MS = 86_400_000;

/** Deletes sessions (and their refresh tokens) that ended long enough ago to matter to nobody. */
@Injectable()
export class SessionsMaintenance {
  private readonly logger = new Logger('Sessions');

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly config: AuthConfig,
  ) {}

  @Interval(10 * 60_000)
  async prune(now = new Date()): Promise<number> {
    try {
      const keepMs = Math.max(KEEP_ENDED_MS, this.config.accessTokenHorizonMs);
      return await this.sessions.deleteEndedBefore(new Date(now.getTime() - keepMs));
    } catch (error) {
      this.logger.warn(`Could not prune ended sessions (retried later): ${String(error)}`);
      return 0;
    }
  }
}
