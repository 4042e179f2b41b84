import { ERROR_MESSAGES } from '@nestjs-microservices/shared';

const authUp = { auth: { status: 'up', durationMs: 3 } };
const databaseUp = { database: { status: 'up', durationMs: 0.4 } };
const signingKeysUp = { signingKeys: { status: 'up', keys: 2 } };
const revocationsUp = { revocations: { status: 'up', lastSyncAgeMs: 420 } };
const tokensUp = { ...signingKeysUp, ...revocationsUp };

/** Examples of the readiness answers, for the OpenAPI document. */
export const READY_EXAMPLE = {
  status: 'ok',
  info: { ...authUp, ...databaseUp, ...tokensUp },
  error: {},
  details: { ...authUp, ...databaseUp, ...tokensUp },
};

const authDown = (code: 'AUTH_UNAVAILABLE' | 'UPSTREAM_TIMEOUT') => ({
  auth: { status: 'down', code, message: ERROR_MESSAGES[code], durationMs: code === 'UPSTREAM_TIMEOUT' ? 1000 : 2 },
});
const databaseDown = {
  database: { status: 'down', durationMs: 750, message: 'the database did not answer within 750 ms' },
};
const revocationsStale = {
  revocations: { status: 'down', lastSyncAgeMs: 7310, message: 'The revocation list was last synced 7310 ms ago' },
};
const signingKeysDown = { signingKeys: { status: 'down', keys: 0, message: 'No signing key is loaded' } };
const revocationsNeverSynced = { revocations: { status: 'down', message: 'The revocation list was never synced' } };

export const UNREADY_EXAMPLES = {
  authUnavailable: {
    summary: 'The auth service is not running (for a few seconds: the keys and list in hand are still fresh)',
    value: {
      status: 'error',
      info: tokensUp,
      error: authDown('AUTH_UNAVAILABLE'),
      details: { ...authDown('AUTH_UNAVAILABLE'), ...tokensUp },
    },
  },
  authTimeout: {
    summary: 'The auth service does not answer in time (e.g. frozen)',
    value: {
      status: 'error',
      info: tokensUp,
      error: authDown('UPSTREAM_TIMEOUT'),
      details: { ...authDown('UPSTREAM_TIMEOUT'), ...tokensUp },
    },
  },
  databaseDown: {
    summary: 'The auth service cannot reach its database',
    value: {
      status: 'error',
      info: { ...authUp, ...tokensUp },
      error: databaseDown,
      details: { ...authUp, ...databaseDown, ...tokensUp },
    },
  },
  revocationsStale: {
    summary: 'The revocation list has not been synced for longer than REVOCATION_SYNC_STALE_AFTER',
    value: {
      status: 'error',
      info: { ...authUp, ...databaseUp, ...signingKeysUp },
      error: revocationsStale,
      details: { ...authUp, ...databaseUp, ...signingKeysUp, ...revocationsStale },
    },
  },
  noSigningKeys: {
    summary: 'Started while the auth service was down: no signing key, the list never synced',
    value: {
      status: 'error',
      info: {},
      error: { ...authDown('AUTH_UNAVAILABLE'), ...signingKeysDown, ...revocationsNeverSynced },
      details: { ...authDown('AUTH_UNAVAILABLE'), ...signingKeysDown, ...revocationsNeverSynced },
    },
  },
};
