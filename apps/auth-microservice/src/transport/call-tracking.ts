import type { MessageHandler } from '@nestjs/microservices';
import type { RpcCallTracker } from '../common/rpc-call-tracker';

// TypeScript's mixin pattern needs a constructor taking any arguments (each server checks its own options with
// `satisfies`); only `addHandler` is required, as Nest's servers differ in their event and status types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ServerClass = new (...args: any[]) => {
  addHandler(
    pattern: unknown,
    callback: MessageHandler,
    isEventHandler?: boolean,
    extras?: Record<string, unknown>,
  ): void;
};

/**
 * `Base` (a NestJS transport server) with its request handlers wrapped by an `RpcCallTracker` as the app registers
 * them. The tracker must be given (`trackCalls`) before `app.listen()`; events (no reply) are never wrapped.
 */
export function withCallTracking<TBase extends ServerClass>(Base: TBase) {
  return class CallTrackingServer extends Base {
    #tracker: RpcCallTracker | undefined;

    trackCalls(tracker: RpcCallTracker): void {
      this.#tracker = tracker;
    }

    /** The client IP a request of `context` is handled for, given the one its caller claims (`meta.clientIp`). */
    protected clientIpOf(_context: unknown, claimed: string | undefined): string | undefined {
      return claimed;
    }

    override addHandler(
      pattern: unknown,
      callback: MessageHandler,
      isEventHandler = false,
      extras: Record<string, unknown> = {},
    ): void {
      const tracked =
        isEventHandler || !this.#tracker
          ? callback
          : this.#tracker.wrap(String(pattern), callback, (context, claimed) => this.clientIpOf(context, claimed));
      super.addHandler(pattern, tracked, isEventHandler, extras);
    }
  };
}
