import { Inject, Injectable } from '@nestjs/common';
import { SigningKeySet } from '../keys/signing-key-set';
import { RevocationFeedFollower } from '../revocations/revocation-feed-follower';

/** The shape `@nestjs/terminus` takes from a health indicator. */
export type TokenAuthHealthResult = Record<string, { status: 'up' | 'down'; [detail: string]: unknown }>;

/**
 * Whether this service can tell good tokens from bad: `down` without any signing key, or when the revocation feed
 * has not been reached for five intervals (revoked sessions might pass). With `@nestjs/terminus`:
 * `health.check([() => tokenAuth.isHealthy('token-auth')])`.
 */
@Injectable()
export class TokenAuthHealthIndicator {
  constructor(
    @Inject(SigningKeySet) private readonly keys: SigningKeySet,
    @Inject(RevocationFeedFollower) private readonly feed: RevocationFeedFollower | null,
  ) {}

  isHealthy(key = 'token-auth'): TokenAuthHealthResult {
    const signingKeys = this.keys.size;
    const feed = this.feed?.status();
    const up = signingKeys > 0 && (feed === undefined || !feed.stale);
    const revocationFeed =
      feed === undefined
        ? 'not configured'
        : {
            stale: feed.stale,
            lastSuccessAt: feed.lastSuccessAt === undefined ? null : new Date(feed.lastSuccessAt).toISOString(),
            revokedSessions: feed.revokedSessions,
          };
    return { [key]: { status: up ? 'up' : 'down', signingKeys, revocationFeed } };
  }
}
