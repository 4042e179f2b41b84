import { isDatabaseUnavailable, isUniqueViolation } from './database-errors';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database errors', () => {
  it.each([
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['PostgreSQL shutting down (57P01)', withCode('57P01')],
    ['PostgreSQL starting up (57P03)', withCode('57P03')],
    ['a connection exception (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['a lost connection (node-postgres)', new Error('Connection terminated unexpectedly')],
    ['a pool wait that timed out', new Error('timeout exceeded when trying to connect')],
    ['a busy SQLite database', withCode('SQLITE_BUSY')],
    ['a SQLite I/O error', withCode('SQLITE_IOERR_WRITE')],
    ['refused on every address', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
    ['a wrapped cause', new Error('Migration failed', { cause: withCode('ECONNREFUSED') })],
  ])('says %s means unavailable (503, try again)', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a message that only mentions SQLITE_BUSY', new Error('SQLITE_BUSY: database is locked')],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('says %s is not about availability', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('stops following a cyclic cause', () => {
    const error = withCode('XX000');
    Object.assign(error, { cause: error });
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('still recognises unique violations on both dialects', () => {
    expect(isUniqueViolation(withCode('23505'))).toBe(true);
    expect(isUniqueViolation(withCode('SQLITE_CONSTRAINT_UNIQUE'))).toBe(true);
    expect(isUniqueViolation(withCode('ECONNREFUSED'))).toBe(false);
  });
});
