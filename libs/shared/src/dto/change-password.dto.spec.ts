import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { toFieldErrors, VALIDATION_OPTIONS } from '../validation/validation-errors';
import { ChangePasswordDto } from './change-password.dto';
import { ChangePasswordRequestDto } from './session-auth.dto';
import { SignupDto } from './signup.dto';

const GOOD = 'vT9#qLm2!xRw';

async function errorsOf<T extends object>(type: new () => T, plain: Record<string, unknown>) {
  return toFieldErrors(await validate(plainToInstance(type, plain), VALIDATION_OPTIONS));
}

describe('ChangePasswordDto', () => {
  it('accepts any non-empty current password and a new one that passes the policy', async () => {
    await expect(errorsOf(ChangePasswordDto, { currentPassword: 'x', newPassword: GOOD })).resolves.toEqual([]);
  });

  it.each([
    ['too short', 'Ab1!xyz'],
    ['too long', 'a'.repeat(129)],
    ['common', 'password123'],
    ['not a string', 12345678],
  ])('refuses a new password that is %s, with the messages sign-up gives', async (_label, newPassword) => {
    const errors = await errorsOf(ChangePasswordDto, { currentPassword: GOOD, newPassword });
    const signup = await errorsOf(SignupDto, { username: 'alice', password: newPassword });
    expect(errors).toEqual([{ field: 'newPassword', messages: expect.any(Array) }]);
    expect(errors[0]?.messages.map((message) => message.replace('newPassword', 'password'))).toEqual(
      signup[0]?.messages,
    );
  });

  it('refuses an empty current password', async () => {
    await expect(errorsOf(ChangePasswordDto, { currentPassword: '', newPassword: GOOD })).resolves.toMatchObject([
      { field: 'currentPassword' },
    ]);
  });

  it('over RPC, also needs the access token, within the token size limit', async () => {
    const base = { currentPassword: GOOD, newPassword: `${GOOD}!` };
    await expect(errorsOf(ChangePasswordRequestDto, { ...base, accessToken: 'a.b.c' })).resolves.toEqual([]);
    await expect(errorsOf(ChangePasswordRequestDto, base)).resolves.toMatchObject([{ field: 'accessToken' }]);
    await expect(
      errorsOf(ChangePasswordRequestDto, { ...base, accessToken: 'a'.repeat(4_097) }),
    ).resolves.toMatchObject([{ field: 'accessToken' }]);
  });
});
