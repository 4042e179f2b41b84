import type { ValidationError, ValidatorOptions } from 'class-validator';
import type { FieldError } from '../errors';

/**
 * The rules both entry points apply (gateway HTTP and the auth service's TCP port):
 * strip nothing silently, refuse unknown fields, and refuse non-objects.
 */
export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const satisfies ValidatorOptions;

/** class-validator's tree → a flat list of `{ field: 'a.b', messages }`, never including the rejected values. */
export function toFieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: FieldError[] = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}
