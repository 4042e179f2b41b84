import type { ArgumentMetadata } from '@nestjs/common';
import { type FieldError, LoginDto, SignupDto } from '@nestjs-microservices/shared';
import { ContractValidationPipe } from './contract-validation.pipe';
import { MAX_NESTING_DEPTH, NESTING_TOO_DEEP_MESSAGE } from './nesting-depth';

/** `depth` levels of `{a: …}` (or `[…]`) built without recursion, around 1. */
function nested(depth: number, kind: 'object' | 'array'): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = kind === 'object' ? { a: value } : [value];
  return value;
}

class ContractError extends Error {
  constructor(readonly details: FieldError[]) {
    super('contract violated');
  }
}

const pipe = new ContractValidationPipe((details) => new ContractError(details));
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype });

async function rejection(promise: Promise<unknown>): Promise<ContractError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ContractError)) throw new Error(`expected a ContractError, got ${String(error)}`);
  return error;
}

describe('ContractValidationPipe', () => {
  it('turns a valid payload into a DTO instance with normalised fields', async () => {
    const result = await pipe.transform({ username: ' ａｌｉｃｅ ', password: 'vT9#qLm2!xRw' }, body(SignupDto));

    expect(result).toBeInstanceOf(SignupDto);
    expect(result).toEqual(Object.assign(new SignupDto(), { username: 'alice', password: 'vT9#qLm2!xRw' }));
  });

  it('throws the error built by toError, with one entry per offending field', async () => {
    const error = await rejection(pipe.transform({ username: 'a', password: 'password' }, body(SignupDto)));

    expect(error.details.map((detail) => detail.field)).toEqual(['username', 'password']);
    expect(error.details.every((detail) => detail.messages.length > 0)).toBe(true);
  });

  it('rejects an unknown property by name', async () => {
    const error = await rejection(pipe.transform({ username: 'alice', password: 'x', role: 'admin' }, body(LoginDto)));

    expect(error.details).toEqual([{ field: 'role', messages: ['property role should not exist'] }]);
  });

  it('does not put rejected values in the details', async () => {
    const error = await rejection(pipe.transform({ username: 'alice', password: 'Zq9!x' }, body(SignupDto)));

    expect(JSON.stringify(error.details)).not.toContain('Zq9!x');
  });

  it.each([
    ['null', null],
    ['an array', [{ username: 'alice', password: 'vT9#qLm2!xRw' }]],
    ['an empty array', []],
    ['a string', '{"username":"alice"}'],
    ['a number', 42],
    ['undefined', undefined],
  ])('answers a body that is %s with a field "body" error, not a TypeError', async (_label, value) => {
    const error = await rejection(pipe.transform(value, body(LoginDto)));

    expect(error.details).toEqual([{ field: 'body', messages: ['must be a JSON object'] }]);
  });

  it('names the parameter when a non-body argument is not an object', async () => {
    const error = await rejection(pipe.transform(null, { type: 'query', data: 'filter', metatype: LoginDto }));

    expect(error.details).toEqual([{ field: 'filter', messages: ['must be a JSON object'] }]);
  });

  it.each([
    ['a string', 'abc', String],
    ['a boolean', true, Boolean],
    ['an object without a metatype', { anything: 1 }, undefined],
    ['null without a metatype', null, undefined],
  ])('passes %s through when the metatype is not a DTO', async (_label, value, metatype) => {
    await expect(pipe.transform(value, { type: 'custom', metatype })).resolves.toEqual(value);
  });

  it.each(['object', 'array'] as const)(
    'refuses a field nesting %ss 5,000 levels deep before class-transformer (no stack overflow), naming the field',
    async (kind) => {
      const error = await rejection(
        pipe.transform({ username: 'alice', password: nested(5_000, kind) }, body(LoginDto)),
      );

      expect(error.details).toEqual([{ field: 'password', messages: [NESTING_TOO_DEEP_MESSAGE] }]);
    },
  );

  it('still validates (not refuses for depth) a body at exactly the nesting limit', async () => {
    const error = await rejection(
      pipe.transform({ username: 'alice', password: nested(MAX_NESTING_DEPTH - 1, 'array') }, body(LoginDto)),
    );

    expect(error.details.map((detail) => detail.field)).toEqual(['password']);
    expect(error.details[0]?.messages).not.toContain(NESTING_TOO_DEEP_MESSAGE);
  });
});
