import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { toFieldErrors, VALIDATION_OPTIONS } from '../validation/validation-errors';
import { LoginDto } from './login.dto';

async function check(plain: Record<string, unknown>): Promise<{ dto: LoginDto; fields: string[] }> {
  const dto = plainToInstance(LoginDto, plain);
  const fields = toFieldErrors(await validate(dto, VALIDATION_OPTIONS)).map((error) => error.field);
  return { dto, fields };
}

describe('LoginDto', () => {
  it('normalises the username like sign-up does (NFKC, trim)', async () => {
    const { dto, fields } = await check({ username: ' ａｌｉｃｅ\u3000', password: 'ｘ' });

    expect(fields).toEqual([]);
    expect(dto.username).toBe('alice');
    expect(dto.password).toBe('x');
  });

  it('only checks shape and size: short names, odd characters and common passwords pass', async () => {
    expect((await check({ username: 'ab', password: 'password' })).fields).toEqual([]);
    expect((await check({ username: 'a b@c', password: '1' })).fields).toEqual([]);
  });

  it.each([
    ['an empty username', { username: '', password: 'x' }, ['username']],
    ['a blank username', { username: ' \u3000 ', password: 'x' }, ['username']],
    ['a 65-character username', { username: 'a'.repeat(65), password: 'x' }, ['username']],
    ['an empty password', { username: 'alice', password: '' }, ['password']],
    ['a 129-character password', { username: 'alice', password: 'p'.repeat(129) }, ['password']],
    ['a numeric username', { username: 42, password: 'x' }, ['username']],
    ['a null password', { username: 'alice', password: null }, ['password']],
    ['an object password', { username: 'alice', password: { $ne: '' } }, ['password']],
    ['missing fields', {}, ['username', 'password']],
    ['an unknown property', { username: 'alice', password: 'x', remember: true }, ['remember']],
  ])('rejects %s', async (_label, plain, fields) => {
    expect((await check(plain)).fields).toEqual(fields);
  });

  it.each([['64 / 128 characters', { username: 'a'.repeat(64), password: 'p'.repeat(128) }]])(
    'accepts the maximum lengths: %s',
    async (_label, plain) => {
      expect((await check(plain)).fields).toEqual([]);
    },
  );
});
