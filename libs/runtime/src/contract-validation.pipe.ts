import { type ArgumentMetadata, type Provider, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { type FieldError, toFieldErrors, VALIDATION_OPTIONS } from '@nestjs-microservices/shared';
import { findExcessiveNesting, NESTING_TOO_DEEP_MESSAGE } from './nesting-depth';

/**
 * Validates a payload against its contract DTO, the same way at both entry points (the gateway's
 * HTTP body and the auth service's TCP payload). Only the error type differs, hence `toError`.
 */
export class ContractValidationPipe extends ValidationPipe {
  constructor(private readonly toError: (details: FieldError[]) => Error) {
    super({
      ...VALIDATION_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => toError(toFieldErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!this.toValidate(metadata)) return super.transform(value, metadata);
    const field = metadata.data ?? (metadata.type === 'body' ? 'body' : metadata.type);
    // ValidationPipe throws a TypeError (→ 500) on `null`, and validates an array element-wise.
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw this.toError([{ field, messages: ['must be a JSON object'] }]);
    }
    // class-transformer recurses once per level: thousands of levels overflow the stack (→ 500, or no TCP reply).
    const tooDeep = findExcessiveNesting(value);
    if (tooDeep !== undefined) throw this.toError([{ field: tooDeep || field, messages: [NESTING_TOO_DEEP_MESSAGE] }]);
    return super.transform(value, metadata);
  }
}

/** The global pipe of an app: every handler's DTO parameters validated against the contract. */
export function provideContractValidation(toError: (details: FieldError[]) => Error): Provider {
  return { provide: APP_PIPE, useFactory: () => new ContractValidationPipe(toError) };
}
