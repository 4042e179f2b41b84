import { BadRequestException, Logger } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { ERROR_MESSAGES, rpcError } from '@nestjs-microservices/shared';
import { firstValueFrom, type Observable } from 'rxjs';
import { RpcErrorFilter } from './rpc-error.filter';

async function errorOf(observable: Observable<never>): Promise<unknown> {
  return firstValueFrom(observable).then(
    () => {
      throw new Error('the observable completed instead of failing');
    },
    (error: unknown) => error,
  );
}

const INTERNAL = { status: 500, code: 'INTERNAL_ERROR', message: ERROR_MESSAGES.INTERNAL_ERROR };

describe('RpcErrorFilter', () => {
  const filter = new RpcErrorFilter();
  let logged: jest.SpyInstance;

  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['a plain error', rpcError('USERNAME_TAKEN', ERROR_MESSAGES.USERNAME_TAKEN)],
    ['an error with details', rpcError('VALIDATION_FAILED', 'bad', [{ field: 'username', messages: ['too short'] }])],
  ])('passes an RpcException with a typed body (%s) through unchanged, without logging', async (_label, body) => {
    await expect(errorOf(filter.catch(new RpcException(body)))).resolves.toBe(body);
    expect(logged).not.toHaveBeenCalled();
  });

  it('turns an unexpected Error into INTERNAL_ERROR, logging its stack but never telling the caller', async () => {
    const bug = new Error('SQLITE_BUSY: database is locked at /srv/secret/path');

    const sent = await errorOf(filter.catch(bug));

    expect(sent).toEqual(INTERNAL);
    expect(JSON.stringify(sent)).not.toContain('SQLITE_BUSY');
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith(bug.stack);
  });

  it.each([
    ['an RpcException with a string', new RpcException('something broke')],
    ['an RpcException with an untyped object', new RpcException({ status: 'error', message: 'x' })],
    ['an RpcException with an unknown code', new RpcException({ status: 418, code: 'TEAPOT', message: 'x' })],
    ["an HTTP exception from Nest's pipes", new BadRequestException('Validation failed')],
  ])('answers %s with INTERNAL_ERROR and logs it', async (_label, exception) => {
    await expect(errorOf(filter.catch(exception))).resolves.toEqual(INTERNAL);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(exception.message));
  });

  it('answers a thrown non-error with INTERNAL_ERROR and logs what it was', async () => {
    await expect(errorOf(filter.catch('plain string'))).resolves.toEqual(INTERNAL);
    expect(logged).toHaveBeenCalledWith('Non-error thrown: plain string');
  });

  it('answers a database that cannot be reached with AUTH_UNAVAILABLE (503) and Retry-After, without the reason', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });

    const sent = await errorOf(filter.catch(refused));

    expect(sent).toEqual({
      status: 503,
      code: 'AUTH_UNAVAILABLE',
      message: ERROR_MESSAGES.AUTH_UNAVAILABLE,
      retryAfterSeconds: 1,
    });
    expect(JSON.stringify(sent)).not.toContain('10.0.0.5');
    expect(warned).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
    expect(logged).not.toHaveBeenCalled();
  });
});
