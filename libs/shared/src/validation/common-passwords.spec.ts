import { dictionary } from '@zxcvbn-ts/language-common';
import { COMMON_PASSWORD_LIST_SIZE, isCommonPassword } from './common-passwords';

describe('isCommonPassword', () => {
  it.each(['password', '12345678', '123456', 'qwerty', 'dragon'])('rejects the top entry %p', (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it.each(['PASSWORD', 'Password', 'pAsSwOrD', 'QWERTY', 'Dragon'])('is case-insensitive: %p', (password) => {
    expect(isCommonPassword(password)).toBe(true);
  });

  it.each(['correct-Horse-battery-staple-7391', 'vT9#qLm2!xRw8zPe', 'password-but-much-longer-4821'])(
    'accepts an uncommon password %p',
    (password) => {
      expect(isCommonPassword(password)).toBe(false);
    },
  );

  it('covers exactly the first COMMON_PASSWORD_LIST_SIZE entries of the list', () => {
    const list = dictionary['passwords-common'];
    const last = list[COMMON_PASSWORD_LIST_SIZE - 1];
    const first = list[COMMON_PASSWORD_LIST_SIZE];
    if (last === undefined || first === undefined) throw new Error('the password list is shorter than expected');

    expect(isCommonPassword(last)).toBe(true);
    expect(list.slice(0, COMMON_PASSWORD_LIST_SIZE)).not.toContain(first);
    expect(isCommonPassword(first)).toBe(false);
  });

  it('rejects every entry it is meant to cover (none is unreachable through case)', () => {
    const missed = dictionary['passwords-common']
      .slice(0, COMMON_PASSWORD_LIST_SIZE)
      .filter((p) => !isCommonPassword(p));

    expect(missed).toEqual([]);
  });
});
