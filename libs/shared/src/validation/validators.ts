import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, registerDecorator, type ValidationOptions } from 'class-validator';
import { TOKEN_MAX_LENGTH } from '../tokens/access-token';
import { isCommonPassword } from './common-passwords';

/** NFKC first (it can produce spaces, e.g. from U+3000), then trim. Leaves non-strings for the type check. */
export function NormalizeUsername(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.normalize('NFKC').trim() : value,
  );
}

/** NIST SP 800-63B: normalise passwords (NFKC) so the same password typed on another device still matches. */
export function NormalizePassword(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFKC') : value));
}

/** Several property decorators as one, applied as if written in this order above the property. */
export function composed(...decorators: PropertyDecorator[]): PropertyDecorator {
  const bottomUp = [...decorators].reverse();
  return (target: object, propertyName: string | symbol) => {
    for (const decorator of bottomUp) decorator(target, propertyName);
  };
}

/** An access or refresh token as either side accepts it: a non-empty string of at most TOKEN_MAX_LENGTH. */
export const IsTokenString = (): PropertyDecorator => composed(IsString(), IsNotEmpty(), MaxLength(TOKEN_MAX_LENGTH));

export function IsNotCommonPassword(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotCommonPassword',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property is too common; choose a less predictable password', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !isCommonPassword(value),
      },
    });
  };
}
