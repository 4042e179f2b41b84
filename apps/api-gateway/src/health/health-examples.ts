import { ERROR_MESSAGES } from '@nestjs-microservices/shared';

const authUp = { auth: { status: 'up', durationMs: 3 } };
const databaseUp = { database: { status: 'up', durationMs: 0.4 } };

/** Examples of the readiness answers, for the OpenAPI document. */
export const READY_EXAMPLE = {
  status: 'ok',
  info: { ...authUp, ...databaseUp },
  error: {},
  details: { ...authUp, ...databaseUp },
};

const authDown = (code: 'AUTH_UNAVAILABLE' | 'UPSTREAM_TIMEOUT') => ({
  auth: { status: 'down', code, message: ERROR_MESSAGES[code], durationMs: code === 'UPSTREAM_TIMEOUT' ? 1000 : 2 },
});
const databaseDown = {
  database: { status: 'down', durationMs: 750, message: 'the database did not answer within 750 ms' },
};

export const UNREADY_EXAMPLES = {
  authUnavailable: {
    summary: 'The auth service is not running',
    value: { status: 'error', info: {}, error: authDown('AUTH_UNAVAILABLE'), details: authDown('AUTH_UNAVAILABLE') },
  },
  authTimeout: {
    summary: 'The auth service does not answer in time (e.g. frozen)',
    value: { status: 'error', info: {}, error: authDown('UPSTREAM_TIMEOUT'), details: authDown('UPSTREAM_TIMEOUT') },
  },
  databaseDown: {
    summary: 'The auth service cannot reach its database',
    value: { status: 'error', info: authUp, error: databaseDown, details: { ...authUp, ...databaseDown } },
  },
};
