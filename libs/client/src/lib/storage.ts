/**
 * Where bearer mode keeps the refresh token between calls (cookie mode never sees it). Any of the methods may
 * be async, so an app can back it with `localStorage`, `AsyncStorage`, a keychain or a file.
 */
export interface TokenStorage {
  get(): string | null | undefined | Promise<string | null | undefined>;
  set(refreshToken: string): void | Promise<void>;
  remove(): void | Promise<void>;
}

/** The default: the refresh token lives as long as the client object (a reload signs the user out). */
export function memoryStorage(): TokenStorage {
  let value: string | undefined;
  return {
    get: () => value,
    set: (refreshToken) => {
      value = refreshToken;
    },
    remove: () => {
      value = undefined;
    },
  };
}
