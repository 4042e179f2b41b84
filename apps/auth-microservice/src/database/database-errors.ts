const UNIQUE_VIOLATION_CODES = new Set([
  '23505', // PostgreSQL unique_violation
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    UNIQUE_VIOLATION_CODES.has(error.code)
  );
}

// SQLSTATE classes and codes that mean "the database cannot be reached right now", not "this query is wrong":
// 08 connection exception, 53 insufficient resources, 57P01–57P03 shutting down or starting up.
const UNAVAILABLE_SQLSTATE = /^(08...|53...|57P0[123])$/;
const UNAVAILABLE_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
// node-postgres reports a lost or never-established connection by message only.
const UNAVAILABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
const UNAVAILABLE_SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN']);

/**
 * Whether `error` (or an error it wraps) says the database is unreachable, overloaded or restarting: worth a
 * 503 and a retry, not a 500. Looks through `cause` and AggregateError (a host with several addresses).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    const sqliteFamily = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : '';
    if (
      UNAVAILABLE_SQLSTATE.test(code) ||
      UNAVAILABLE_SYSTEM_CODES.has(code) ||
      UNAVAILABLE_SQLITE_CODES.has(sqliteFamily)
    ) {
      return true;
    }
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
