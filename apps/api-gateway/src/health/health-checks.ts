/** The names of the readiness checks, as they appear in the health body (`info`, `error`, `details`). */
export const HEALTH_CHECKS = {
  /** The auth service answered `auth.health` over the transport within HEALTH_TIMEOUT_MS. */
  auth: 'auth',
  /** The auth service reached its database (`select 1`). */
  database: 'database',
  /** At least one of the auth service's public signing keys is loaded: access tokens can be verified. */
  signingKeys: 'signingKeys',
  /** The revocation list was synced within REVOCATION_SYNC_STALE_AFTER: revoked sessions are refused. */
  revocations: 'revocations',
  /** Down from SIGTERM on (SHUTDOWN_DRAIN_DELAY): the gateway still serves, but load balancers should stop sending. */
  shutdown: 'shutdown',
} as const;

/** Health answers describe the present: no client or proxy may cache them. */
export const HEALTH_CACHE_CONTROL = 'no-cache, no-store, must-revalidate';
