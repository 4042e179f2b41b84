import {
  ERROR_CODES,
  ERROR_MESSAGES,
  ERROR_STATUS,
  type ErrorCode,
  isErrorCode,
  isRpcErrorBody,
  rpcError,
} from './errors';

const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

describe('ERROR_STATUS', () => {
  it.each(CODES)('maps %s to an HTTP error status (4xx or 5xx)', (code) => {
    expect(Number.isInteger(ERROR_STATUS[code])).toBe(true);
    expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
    expect(ERROR_STATUS[code]).toBeLessThanOrEqual(599);
  });

  it('has ERROR_CODES naming each code by itself', () => {
    expect(Object.entries(ERROR_CODES)).toEqual(CODES.map((code) => [code, code]));
  });

  it('has a message only for known codes', () => {
    expect(Object.keys(ERROR_MESSAGES).filter((code) => !isErrorCode(code))).toEqual([]);
  });

  it('maps client mistakes to 4xx and upstream failures to 5xx', () => {
    expect(ERROR_STATUS.VALIDATION_FAILED).toBe(400);
    expect(ERROR_STATUS.INVALID_CREDENTIALS).toBe(401);
    expect(ERROR_STATUS.USERNAME_TAKEN).toBe(409);
    expect(ERROR_STATUS.AUTH_UNAVAILABLE).toBe(503);
    expect(ERROR_STATUS.UPSTREAM_TIMEOUT).toBe(504);
  });
});

describe('isErrorCode', () => {
  it.each(['INTERNAL_ERROR', 'USERNAME_TAKEN'])('accepts %p', (value) => {
    expect(isErrorCode(value)).toBe(true);
  });

  it.each([['toString'], ['constructor'], ['internal_error'], [''], [500], [null]])('rejects %p', (value) => {
    expect(isErrorCode(value)).toBe(false);
  });
});

describe('rpcError', () => {
  it.each(CODES)('takes the status of %s from ERROR_STATUS', (code) => {
    const body = rpcError(code, 'message');

    expect(body).toEqual({ status: ERROR_STATUS[code], code, message: 'message' });
    expect(isRpcErrorBody(body)).toBe(true);
  });

  it('includes details only when given', () => {
    const details = [{ field: 'username', messages: ['too short'] }];

    expect(rpcError('VALIDATION_FAILED', 'bad', details)).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'bad',
      details,
    });
    expect(Object.keys(rpcError('VALIDATION_FAILED', 'bad'))).not.toContain('details');
  });
});

describe('isRpcErrorBody', () => {
  it.each([
    ['null', null],
    ['a string', 'INTERNAL_ERROR'],
    ["Nest's untyped error", { status: 'error', message: 'x' }],
    ['an unknown code', { status: 500, code: 'BOOM', message: 'x' }],
    ['a missing message', { status: 500, code: 'INTERNAL_ERROR' }],
    ['a non-string message', { status: 500, code: 'INTERNAL_ERROR', message: 42 }],
    ['an inherited code', { code: 'hasOwnProperty', message: 'x' }],
  ])('rejects %s', (_label, value) => {
    expect(isRpcErrorBody(value)).toBe(false);
  });
});
