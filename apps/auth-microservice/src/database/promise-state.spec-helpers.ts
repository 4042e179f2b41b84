/** The state of `promise`, for a test to read synchronously as it changes. */
export function track(promise: Promise<unknown>): { done: boolean; error: unknown } {
  const state = { done: false, error: undefined as unknown };
  void (async () => {
    try {
      await promise;
      state.done = true;
    } catch (error) {
      state.error = error;
    }
  })();
  return state;
}

/** A flush the test completes by hand, one entry of `pending` per flush begun; `onStart` runs as each begins. */
export function manualFlush(onStart: () => void = () => undefined) {
  const pending: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const flush = jest.fn(() => {
    onStart();
    return new Promise<void>((resolve, reject) => {
      pending.push({ resolve, reject });
    });
  });
  return { flush, pending };
}

/** Lets every callback that is ready run. */
export const turn = () => new Promise((resolve) => setImmediate(resolve));
