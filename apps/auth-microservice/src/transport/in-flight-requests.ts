/**
 * The requests a transport server is handling, so it can close gracefully: stop taking new ones, then wait
 * until every one taken has been answered. Each transport's `close()` drains through this.
 */
export class InFlightRequests {
  private count = 0;
  private closing = false;
  private onIdle: (() => void) | undefined;

  get size(): number {
    return this.count;
  }

  /** True once `drain()` was called: new requests must be refused (or never delivered). */
  get draining(): boolean {
    return this.closing;
  }

  /** A request was taken. */
  start(): void {
    this.count++;
  }

  /** A request taken was answered (or failed): exactly one call per `start()`. */
  finish(): void {
    this.count--;
    if (this.closing && this.count === 0) this.onIdle?.();
  }

  /** Resolves when every request taken so far has been answered. */
  drain(): Promise<void> {
    this.closing = true;
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => (this.onIdle = resolve));
  }
}
