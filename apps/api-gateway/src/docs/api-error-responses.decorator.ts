import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import {
  ERROR_DESCRIPTIONS,
  ERROR_MESSAGES,
  ERROR_STATUS,
  ErrorResponse,
  type ErrorCode,
  type HttpErrorBody,
} from '@nestjs-microservices/shared';
import { errorCodes } from 'fastify';

/** A message per code for the examples: the contract's own, or the text Fastify or Nest answers with. */
const EXAMPLE_MESSAGES: Record<ErrorCode, string> = {
  ...ERROR_MESSAGES,
  MALFORMED_JSON: new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY().message,
  BAD_REQUEST: 'Bad Request',
  NOT_FOUND: 'Cannot GET /api/nope',
  PAYLOAD_TOO_LARGE: new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE().message,
  UNSUPPORTED_MEDIA_TYPE: new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/plain').message,
};

export function exampleErrorBody(code: ErrorCode): HttpErrorBody {
  const body: HttpErrorBody = { statusCode: ERROR_STATUS[code], code, message: EXAMPLE_MESSAGES[code] };
  return code === 'VALIDATION_FAILED'
    ? { ...body, details: [{ field: 'username', messages: ['username must be longer than or equal to 3 characters'] }] }
    : body;
}

/**
 * One `@ApiResponse` per HTTP status among `codes` (the status of each code comes from the contract's
 * `ERROR_STATUS`), each with the error schema, a description listing its codes and one example per code.
 */
export function ApiErrorResponses(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, group]) =>
      ApiResponse({
        status,
        type: ErrorResponse,
        description: group.map((code) => `\`${code}\`: ${ERROR_DESCRIPTIONS[code]}`).join('; '),
        examples: Object.fromEntries(group.map((code) => [code, { summary: code, value: exampleErrorBody(code) }])),
      }),
    ),
  );
}
