import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AuthConfig } from '../config/auth-config';
import { UsersRepository } from '../users/users.repository';
import { AccountTokensRepository } from './account-tokens.repository';

/** Expired link tokens are kept a day: the per-account budgets look back an hour, support a little longer. */
const KEEP_EXPIRED_TOKENS_MS = 86_400_000;

/**
 * Removes deleted accounts once their username hold (DELETED_USERNAME_HOLD) is over — never before every access
 * token of their sessions has expired, so the revocation feed keeps listing those sessions as long as it must —
 * and link tokens long expired.
 */
@Injectable()
export class RecoveryMaintenance {
  private readonly logger = new Logger('Recovery');

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: AccountTokensRepository,
    private readonly config: AuthConfig,
  ) {}

  @Interval(10 * 60_000)
  async prune(now = new Date()): Promise<void> {
    try {
      const holdMs = Math.max(this.config.mail.deletedUsernameHoldMs, this.config.accessTokenHorizonMs);
      const purged = await this.users.purgeDeletedBefore(new Date(now.getTime() - holdMs));
      if (purged > 0) this.logger.log(`Removed ${purged} deleted account(s) whose username hold is over`);
      await this.tokens.pruneExpiredBefore(new Date(now.getTime() - KEEP_EXPIRED_TOKENS_MS));
    } catch (error) {
      this.logger.warn(`Could not prune deleted accounts or expired link tokens (retried later): ${String(error)}`);
    }
  }
}
