import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { bearerChallenge, isTokenErrorCode, TokenAuthException } from '@nestjs-microservices/nest-auth';
import { ERROR_CODES, ERROR_MESSAGES, type ErrorCode, type HttpErrorBody } from '@nestjs-microservices/shared';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

/**
 * Fastify's body-parsing errors that mean "this is not JSON". Nest rewraps Fastify errors as
 * `HttpException(message, status)`, dropping their code, so they are recognised by message.
 */
const MALFORMED_BODY_MESSAGES = new Set(
  [errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY, errorCodes.FST_ERR_CTP_INVALID_JSON_BODY].map((E) => new E().message),
);

/**
 * The `WWW-Authenticate` challenge of each 401 about a token (RFC 6750 §3): the access token's as the package
 * answers them, a bare `Bearer` for a refused refresh token.
 */
function challengeFor(code: ErrorCode): string | undefined {
  if (code === ERROR_CODES.INVALID_REFRESH_TOKEN || code === ERROR_CODES.REFRESH_TOKEN_REUSED) return 'Bearer';
  // Step-up (RFC 9470): the token is valid, but its password login is too old for the route.
  if (code === ERROR_CODES.REAUTHENTICATION_REQUIRED) return 'Bearer error="insufficient_user_authentication"';
  return isTokenErrorCode(code) ? bearerChallenge(code) : undefined;
}

/**
 * The one place where errors become HTTP answers, all of the shape `{statusCode, code, message, details?}`:
 * API errors (including those that crossed the TCP hop), Nest's HTTP exceptions (unknown route),
 * Fastify's own (body too large, malformed JSON), and anything unexpected (500, logged with its stack).
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = this.toBody(exception, host.switchToHttp().getRequest<FastifyRequest>().id);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof ApiError && exception.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    const challenge = challengeFor(body.code);
    if (challenge !== undefined) void reply.header('www-authenticate', challenge);
    void reply.status(body.statusCode).send(body);
  }

  private toBody(exception: unknown, requestId: string): HttpErrorBody {
    if (exception instanceof ApiError) return exception.toBody();
    if (exception instanceof TokenAuthException) return exception.getResponse() as HttpErrorBody;
    const status = statusOf(exception);
    if (status === undefined || status >= 500) {
      const text = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
      this.logger.error({ requestId }, text);
      return new ApiError(ERROR_CODES.INTERNAL_ERROR, ERROR_MESSAGES.INTERNAL_ERROR).toBody();
    }
    const code = codeFor(status, exception);
    const message = exception instanceof Error ? exception.message : 'Bad request';
    return { statusCode: status, code, message };
  }
}

function statusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  if (typeof exception === 'object' && exception !== null && 'statusCode' in exception) {
    const { statusCode } = exception;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode <= 599) return statusCode;
  }
  return undefined;
}

function codeFor(status: number, exception: unknown): ErrorCode {
  switch (status) {
    case 404:
      return ERROR_CODES.NOT_FOUND;
    case 413:
      return ERROR_CODES.PAYLOAD_TOO_LARGE;
    case 415:
      return ERROR_CODES.UNSUPPORTED_MEDIA_TYPE;
    default:
      return isMalformedBody(exception) ? ERROR_CODES.MALFORMED_JSON : ERROR_CODES.BAD_REQUEST;
  }
}

function isMalformedBody(exception: unknown): boolean {
  return (
    exception instanceof SyntaxError || (exception instanceof Error && MALFORMED_BODY_MESSAGES.has(exception.message))
  );
}
