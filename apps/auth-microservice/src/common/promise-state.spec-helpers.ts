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

export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A promise the test settles by hand. */
export function deferred(): Deferred {
  let settle!: Pick<Deferred, 'resolve' | 'reject'>;
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

/** Lets every callback that is ready run. */
export const turn = () => new Promise((resolve) => setImmediate(resolve));
