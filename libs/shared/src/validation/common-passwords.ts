import { dictionary } from '@zxcvbn-ts/language-common';

/** How many of the most common passwords (by rank in the zxcvbn-ts list) are refused. */
export const COMMON_PASSWORD_LIST_SIZE = 10_000;

let commonPasswords: ReadonlySet<string> | undefined;

/** Case-insensitive: if `password` is common, so are `PASSWORD` and `Password`. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].slice(0, COMMON_PASSWORD_LIST_SIZE));
  return commonPasswords.has(password.toLowerCase());
}
