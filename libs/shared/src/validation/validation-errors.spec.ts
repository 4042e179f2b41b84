import { plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';
import { SignupDto } from '../dto/signup.dto';
import { toFieldErrors, VALIDATION_OPTIONS } from './validation-errors';

function node(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
  value?: unknown,
): ValidationError {
  return Object.assign(new ValidationError(), { property, constraints, children, value });
}

describe('toFieldErrors', () => {
  it('maps a top-level error to its property and the messages of its constraints', () => {
    const errors = [node('username', { isString: 'username must be a string', length: 'username is too short' })];

    expect(toFieldErrors(errors)).toEqual([
      { field: 'username', messages: ['username must be a string', 'username is too short'] },
    ]);
  });

  it('flattens nested children into dotted field names, depth first', () => {
    const errors = [
      node('profile', undefined, [
        node('address', { isObject: 'address must be an object' }, [
          node('street', { isString: 'street must be a string' }),
        ]),
      ]),
      node('items', undefined, [node('0', undefined, [node('name', { isNotEmpty: 'name should not be empty' })])]),
    ];

    expect(toFieldErrors(errors)).toEqual([
      { field: 'profile.address', messages: ['address must be an object'] },
      { field: 'profile.address.street', messages: ['street must be a string'] },
      { field: 'items.0.name', messages: ['name should not be empty'] },
    ]);
  });

  it('drops nodes that carry no constraints of their own', () => {
    expect(toFieldErrors([node('wrapper', undefined, [])])).toEqual([]);
  });

  it('prefixes with the given parent', () => {
    expect(toFieldErrors([node('b', { x: 'bad' })], 'a')).toEqual([{ field: 'a.b', messages: ['bad'] }]);
  });

  it('never includes the rejected value, even when the error tree carries it', () => {
    const secret = 'Sup3r-Secret-Value';
    const output = toFieldErrors([node('password', { isLength: 'password is too long' }, [], secret)]);

    expect(JSON.stringify(output)).not.toContain(secret);
  });

  it('does not leak the values of a real validation run with VALIDATION_OPTIONS', async () => {
    const dto = plainToInstance(SignupDto, { username: 'a b#Zq', password: 'Zq9!x' });
    const errors = await validate(dto, VALIDATION_OPTIONS);
    const output = toFieldErrors(errors);

    expect(output.map((e) => e.field).sort()).toEqual(['password', 'username']);
    expect(JSON.stringify(output)).not.toContain('Zq9!x');
    expect(JSON.stringify(output)).not.toContain('a b#Zq');
  });
});
