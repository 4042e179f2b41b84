import { DECORATORS } from '@nestjs/swagger';
import { ALL_ERROR_CODES, ERROR_DESCRIPTIONS, ERROR_STATUS, ErrorResponse } from '@nestjs-microservices/shared';
import { ApiErrorResponses, exampleErrorBody } from './api-error-responses.decorator';

interface ResponseMetadata {
  description: string;
  type: unknown;
  examples: Record<string, { summary: string; value: unknown }>;
}

class Documented {
  @ApiErrorResponses('VALIDATION_FAILED', 'MALFORMED_JSON', 'USERNAME_TAKEN', 'UPSTREAM_TIMEOUT')
  route(): void {
    // documentation only
  }
}

const responses = (): Record<string, ResponseMetadata> =>
  Reflect.getMetadata(DECORATORS.API_RESPONSE, Documented.prototype.route) as Record<string, ResponseMetadata>;

describe('ApiErrorResponses', () => {
  it('documents one response per status, taking each status from ERROR_STATUS', () => {
    expect(Object.keys(responses()).sort()).toEqual(['400', '409', '504']);
  });

  it('lists every code of a status in its description, with the error schema and one example per code', () => {
    const badRequest = responses()['400'];

    expect(badRequest.type).toBe(ErrorResponse);
    expect(badRequest.description).toBe(
      `\`VALIDATION_FAILED\`: ${ERROR_DESCRIPTIONS.VALIDATION_FAILED}; \`MALFORMED_JSON\`: ${ERROR_DESCRIPTIONS.MALFORMED_JSON}`,
    );
    expect(Object.keys(badRequest.examples)).toEqual(['VALIDATION_FAILED', 'MALFORMED_JSON']);
    expect(badRequest.examples['MALFORMED_JSON']?.value).toEqual({
      statusCode: 400,
      code: 'MALFORMED_JSON',
      message: "Body is not valid JSON but content-type is set to 'application/json'",
    });
  });
});

describe('exampleErrorBody', () => {
  it.each(ALL_ERROR_CODES)('gives %s its status and a message', (code) => {
    const body = exampleErrorBody(code);

    expect(body).toMatchObject({ statusCode: ERROR_STATUS[code], code, message: expect.any(String) });
    expect(body.message.length).toBeGreaterThan(0);
  });

  it('shows details only for VALIDATION_FAILED', () => {
    expect(ALL_ERROR_CODES.filter((code) => 'details' in exampleErrorBody(code))).toEqual(['VALIDATION_FAILED']);
  });
});
