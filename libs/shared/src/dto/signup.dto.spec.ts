import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { toFieldErrors, VALIDATION_OPTIONS } from '../validation/validation-errors';
import { SignupDto } from './signup.dto';

const GOOD_PASSWORD = 'vT9#qLm2!xRw';

async function check(plain: Record<string, unknown>): Promise<{ dto: SignupDto; fields: string[] }> {
  const dto = plainToInstance(SignupDto, plain);
  const fields = toFieldErrors(await validate(dto, VALIDATION_OPTIONS)).map((error) => error.field);
  return { dto, fields };
}

describe('SignupDto', () => {
  it('accepts a valid sign-up', async () => {
    const { dto, fields } = await check({ username: 'alice', password: GOOD_PASSWORD });

    expect(fields).toEqual([]);
    expect(dto).toEqual(Object.assign(new SignupDto(), { username: 'alice', password: GOOD_PASSWORD }));
  });

  describe('username', () => {
    it.each([
      ['full-width letters', 'ａｌｉｃｅ', 'alice'],
      ['surrounding spaces', '  alice  ', 'alice'],
      ['ideographic spaces (NFKC then trim)', '\u3000alice\u3000', 'alice'],
      ['a ligature', 'ﬁona', 'fiona'],
    ])('normalises %s with NFKC and trims', async (_label, input, expected) => {
      const { dto, fields } = await check({ username: input, password: GOOD_PASSWORD });

      expect(fields).toEqual([]);
      expect(dto.username).toBe(expected);
    });

    it.each([
      ['2 characters', 'ab', false],
      ['3 characters', 'abc', true],
      ['64 characters', 'a'.repeat(64), true],
      ['65 characters', 'a'.repeat(65), false],
      ['2 characters after trimming', '  ab  ', false],
      ['empty', '', false],
    ])('length: %s → valid %p', async (_label, username, valid) => {
      const { fields } = await check({ username, password: GOOD_PASSWORD });

      expect(fields).toEqual(valid ? [] : ['username']);
    });

    it.each(['user.name', 'user_name', 'user-name', 'user123', 'Élodie', 'Жанна', '山田太郎', 'علي٣٤٥', 'राम', 'সুমন'])(
      'allows letters and digits of one script and . _ -: %p',
      async (username) => {
        expect((await check({ username, password: GOOD_PASSWORD })).fields).toEqual([]);
      },
    );

    it.each(['a b', 'alice@example', 'a/b', '<script>', 'al\u0000ice', 'smile😀', 'a+b', "o'brien", 'tab\there'])(
      'rejects other characters: %p',
      async (username) => {
        expect((await check({ username, password: GOOD_PASSWORD })).fields).toEqual(['username']);
      },
    );

    it.each([
      ['alice\u034F', /invisible/],
      ['a\u200Blice', /invisible/],
      ['alice\uFE0F', /variation selector/],
      ['\u0430lice', /one script/],
      ['alice1\u0301', /combining mark/],
    ])('rejects the look-alike %p and says why', async (username, reason) => {
      const dto = plainToInstance(SignupDto, { username, password: GOOD_PASSWORD });
      const [error] = await validate(dto, VALIDATION_OPTIONS);
      expect(error?.property).toBe('username');
      expect(Object.values(error?.constraints ?? {})).toContainEqual(expect.stringMatching(reason));
    });

    it('leaves an oversized name to the length rule alone (no per-character work on 16 KB)', async () => {
      const dto = plainToInstance(SignupDto, { username: '\u0430'.repeat(16_000) + 'a', password: GOOD_PASSWORD });
      const [error] = await validate(dto, VALIDATION_OPTIONS);
      expect(Object.keys(error?.constraints ?? {})).toEqual(['isLength']);
    });

    it.each([[123], [null], [['alice']], [{ name: 'alice' }], [true]])('rejects a non-string: %j', async (username) => {
      expect((await check({ username, password: GOOD_PASSWORD })).fields).toEqual(['username']);
    });

    it('is required', async () => {
      expect((await check({ password: GOOD_PASSWORD })).fields).toEqual(['username']);
    });
  });

  describe('password', () => {
    it.each([
      ['7 characters', 'vT9#qLm', false],
      ['8 characters', 'vT9#qLm2', true],
      ['128 characters', 'vT9#qLm2'.repeat(16), true],
      ['129 characters', `${'vT9#qLm2'.repeat(16)}x`, false],
    ])('length: %s → valid %p', async (_label, password, valid) => {
      expect((await check({ username: 'alice', password })).fields).toEqual(valid ? [] : ['password']);
    });

    it.each(['password', '12345678', 'PASSWORD', 'Qwertyuiop', 'ｐａｓｓｗｏｒｄ'])(
      'rejects a common password: %p',
      async (password) => {
        expect((await check({ username: 'alice', password })).fields).toEqual(['password']);
      },
    );

    it('is NFKC-normalised but not trimmed', async () => {
      const { dto, fields } = await check({ username: 'alice', password: '  ｖT9#qLm2  ' });

      expect(fields).toEqual([]);
      expect(dto.password).toBe('  vT9#qLm2  ');
    });

    it.each([[12345678], [null], [['vT9#qLm2!xRw']]])('rejects a non-string: %j', async (password) => {
      expect((await check({ username: 'alice', password })).fields).toEqual(['password']);
    });
  });

  it('rejects an unknown property instead of stripping it silently', async () => {
    expect((await check({ username: 'alice', password: GOOD_PASSWORD, isAdmin: true })).fields).toEqual(['isAdmin']);
  });
});
