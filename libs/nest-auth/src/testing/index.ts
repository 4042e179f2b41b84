// For specs only (not in the published package): tokens signed as the auth service signs them.
export * from './signed-tokens';
