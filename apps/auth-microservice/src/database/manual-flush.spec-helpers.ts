import { type Deferred, deferred } from '../common/promise-state.spec-helpers';

/** A flush the test completes by hand, one entry of `pending` per flush begun; `onStart` runs as each begins. */
export function manualFlush(onStart: () => void = () => undefined) {
  const pending: Deferred[] = [];
  const flush = jest.fn(() => {
    onStart();
    const flushing = deferred();
    pending.push(flushing);
    return flushing.promise;
  });
  return { flush, pending };
}
