/**
 * The sessions that ended while access tokens for them may still be unexpired: session id → the time (ms) after
 * which none can be valid. Entries are forgotten once that time has passed, so the list stays as small as the number
 * of sessions ended within one access-token lifetime.
 */
export class RevokedSessions {
  private readonly untilBySession = new Map<string, number>();

  /**
   * @param graceMs The verifier accepts a token up to the clock tolerance after its `exp`, so an entry must outlive
   * its `until` by as much, or a revoked session's last token would pass again in that window.
   * @param onSizeChange Told the size after every change (a metric).
   */
  constructor(
    private readonly graceMs: number,
    private readonly onSizeChange: (size: number) => void = () => undefined,
  ) {}

  get size(): number {
    return this.untilBySession.size;
  }

  isRevoked(sessionId: string): boolean {
    const until = this.untilBySession.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.untilBySession.delete(sessionId);
    this.onSizeChange(this.size);
    return false;
  }

  /**
   * Merges revoked sessions in, each with the time (ms) its last token expires: an entry already known keeps the
   * later of its two times. Answers the sessions that are new or kept longer than before.
   */
  revoke(entries: Iterable<{ sessionId: unknown; untilMs: number }>): string[] {
    const now = Date.now();
    const changed: string[] = [];
    for (const { sessionId, untilMs } of entries) {
      const until = untilMs + this.graceMs;
      if (typeof sessionId !== 'string' || Number.isNaN(until) || until <= now) continue;
      const known = this.untilBySession.get(sessionId);
      if (known === undefined || until > known) {
        this.untilBySession.set(sessionId, until);
        changed.push(sessionId);
      }
    }
    this.onSizeChange(this.size);
    return changed;
  }

  /** The sessions revoked now, each with the time (ms, grace included) it may be forgotten. */
  entries(): IterableIterator<[string, number]> {
    return this.untilBySession.entries();
  }

  /** Forgets the entries whose time has passed; answers how many. */
  prune(): number {
    const now = Date.now();
    let removed = 0;
    for (const [sessionId, until] of this.untilBySession) {
      if (until <= now) {
        this.untilBySession.delete(sessionId);
        removed += 1;
      }
    }
    this.onSizeChange(this.size);
    return removed;
  }
}
