import {
  BadRequestException,
  HttpException,
  Logger,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { errorCodes } from 'fastify';
import { ApiError } from './api-error';
import { HttpErrorFilter } from './http-error.filter';

/** The three methods of a Fastify reply the filter uses. */
class FakeReply {
  statusCode: number | undefined;
  body: unknown;
  readonly headers: Record<string, string> = {};

  header(name: string, value: string): this {
    this.headers[name] = value;
    return this;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  send(body: unknown): this {
    this.body = body;
    return this;
  }
}

/** What Nest's Fastify adapter passes on for Fastify's own errors: `HttpException(message, status)`. */
const fastifyError = (FastifyError: new () => Error & { statusCode?: number }) => {
  const error = new FastifyError();
  return new HttpException(error.message, error.statusCode ?? 500);
};

describe('HttpErrorFilter', () => {
  const filter = new HttpErrorFilter();
  let logged: jest.SpyInstance;

  const answer = (exception: unknown): FakeReply => {
    const reply = new FakeReply();
    // eslint-disable-next-line promise/valid-params -- ExceptionFilter#catch, not Promise#catch
    filter.catch(exception, new ExecutionContextHost([{ id: 'req-1' }, reply]));
    return reply;
  };

  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['INVALID_CREDENTIALS', 401],
    ['USERNAME_TAKEN', 409],
    ['AUTH_UNAVAILABLE', 503],
    ['UPSTREAM_TIMEOUT', 504],
  ] as const)('answers an ApiError %s as it is, with status %i', (code, status) => {
    const reply = answer(new ApiError(code, 'safe message'));

    expect(reply.statusCode).toBe(status);
    expect(reply.body).toEqual({ statusCode: status, code, message: 'safe message' });
    expect(logged).not.toHaveBeenCalled();
  });

  it('keeps the details of a validation error', () => {
    const details = [{ field: 'username', messages: ['too short'] }];
    const reply = answer(new ApiError('VALIDATION_FAILED', ERROR_MESSAGES.VALIDATION_FAILED, details));

    expect(reply.body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: ERROR_MESSAGES.VALIDATION_FAILED,
      details,
    });
  });

  it("answers Nest's unknown route with 404 NOT_FOUND", () => {
    const reply = answer(new NotFoundException('Cannot POST /api/nope'));

    expect(reply.statusCode).toBe(404);
    expect(reply.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Cannot POST /api/nope' });
  });

  it.each([
    ['an invalid JSON body', errorCodes.FST_ERR_CTP_INVALID_JSON_BODY],
    ['an empty JSON body', errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY],
  ])('answers %s (as Nest wraps it) with 400 MALFORMED_JSON', (_label, FastifyError) => {
    const reply = answer(fastifyError(FastifyError));

    expect(reply.statusCode).toBe(400);
    expect(reply.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
  });

  it("answers Fastify's JSON parser error (a SyntaxError with statusCode 400) with MALFORMED_JSON", () => {
    const syntaxError = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), { statusCode: 400 });

    expect(answer(syntaxError).body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });
  });

  it.each([
    ['Nest-wrapped FST_ERR_CTP_BODY_TOO_LARGE', fastifyError(errorCodes.FST_ERR_CTP_BODY_TOO_LARGE)],
    ['a raw FST_ERR_CTP_BODY_TOO_LARGE', new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()],
    ['PayloadTooLargeException', new PayloadTooLargeException()],
  ])('answers %s with 413 PAYLOAD_TOO_LARGE', (_label, exception) => {
    const reply = answer(exception);

    expect(reply.statusCode).toBe(413);
    expect(reply.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers an unsupported content type with 415 UNSUPPORTED_MEDIA_TYPE', () => {
    const reply = answer(fastifyError(errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE));

    expect(reply.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers any other 4xx with BAD_REQUEST', () => {
    expect(answer(new BadRequestException('Bad thing')).body).toEqual({
      statusCode: 400,
      code: 'BAD_REQUEST',
      message: 'Bad thing',
    });
  });

  it.each([
    ['an unknown Error', new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2')],
    ['a 5xx HttpException', new HttpException('upstream exploded: hunter2', 502)],
    ['an object with an out-of-range statusCode', Object.assign(new Error('hunter2'), { statusCode: 200 })],
  ])('answers %s with 500 INTERNAL_ERROR and a generic message, logging the stack', (_label, exception) => {
    const reply = answer(exception);

    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: ERROR_MESSAGES.INTERNAL_ERROR });
    expect(JSON.stringify(reply.body)).not.toContain('hunter2');
    expect(logged).toHaveBeenCalledWith({ requestId: 'req-1' }, exception.stack);
  });

  it.each(['AUTHENTICATION_REQUIRED', 'INVALID_REFRESH_TOKEN', 'REFRESH_TOKEN_REUSED'] as const)(
    'challenges %s with a bare WWW-Authenticate: Bearer (RFC 6750: no usable access token came)',
    (code) => {
      const reply = answer(new ApiError(code, ERROR_MESSAGES[code]));

      expect(reply.statusCode).toBe(401);
      expect(reply.headers).toEqual({ 'www-authenticate': 'Bearer' });
    },
  );

  it.each(['INVALID_TOKEN', 'TOKEN_EXPIRED', 'SESSION_REVOKED'] as const)(
    'challenges %s with WWW-Authenticate: Bearer error="invalid_token" and its message',
    (code) => {
      const reply = answer(new ApiError(code, ERROR_MESSAGES[code]));

      expect(reply.statusCode).toBe(401);
      expect(reply.headers).toEqual({
        'www-authenticate': `Bearer error="invalid_token", error_description="${ERROR_MESSAGES[code]}"`,
      });
      // RFC 6750 §3: the description may hold neither a double quote nor a backslash.
      expect(ERROR_MESSAGES[code]).toMatch(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
    },
  );

  it.each(['INVALID_CREDENTIALS', 'CURRENT_PASSWORD_INCORRECT', 'AUTH_UNAVAILABLE'] as const)(
    'sends no challenge with %s (not about a bearer token)',
    (code) => {
      expect(answer(new ApiError(code, 'safe message')).headers).toEqual({});
    },
  );

  it('answers a thrown non-error with 500 and logs it', () => {
    expect(answer('a string').body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
    expect(logged).toHaveBeenCalledWith({ requestId: 'req-1' }, 'a string');
  });
});
