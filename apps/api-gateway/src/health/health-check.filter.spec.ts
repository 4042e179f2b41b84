import { Logger, ServiceUnavailableException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { HealthCheckResult } from '@nestjs/terminus';
import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { HttpErrorFilter } from '../common/http-error.filter';
import { HealthCheckFilter } from './health-check.filter';
import { HEALTH_CACHE_CONTROL } from './health-checks';

/** The three methods of a Fastify reply the filters use. */
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

const authDown = {
  auth: { status: 'down' as const, code: 'UPSTREAM_TIMEOUT', message: ERROR_MESSAGES.UPSTREAM_TIMEOUT },
};
/** What terminus throws when a check is down: `new ServiceUnavailableException(result)`. */
const notReady: HealthCheckResult = { status: 'error', info: {}, error: authDown, details: authDown };

function answer(filter: HttpErrorFilter, exception: unknown): FakeReply {
  const reply = new FakeReply();
  // eslint-disable-next-line promise/valid-params -- ExceptionFilter#catch, not Promise#catch
  filter.catch(exception, new ExecutionContextHost([{}, reply]));
  return reply;
}

describe('HealthCheckFilter', () => {
  let logged: jest.SpyInstance;

  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it("answers terminus' 503 with its body, which names the failing check, and forbids caching", () => {
    const reply = answer(new HealthCheckFilter(), new ServiceUnavailableException(notReady));

    expect(reply.statusCode).toBe(503);
    expect(reply.body).toEqual(notReady);
    expect(reply.headers).toEqual({ 'cache-control': HEALTH_CACHE_CONTROL });
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers a shutting-down result the same way', () => {
    const shuttingDown: HealthCheckResult = { status: 'shutting_down', info: {}, error: {}, details: {} };

    expect(answer(new HealthCheckFilter(), new ServiceUnavailableException(shuttingDown)).body).toEqual(shuttingDown);
  });

  it('leaves any other 503 to the global rules (INTERNAL_ERROR, logged)', () => {
    const reply = answer(new HealthCheckFilter(), new ServiceUnavailableException('pool exhausted: hunter2'));

    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: ERROR_MESSAGES.INTERNAL_ERROR });
    expect(logged).toHaveBeenCalled();
  });

  it('is needed: the global filter alone would hide the check names behind INTERNAL_ERROR', () => {
    const reply = answer(new HttpErrorFilter(), new ServiceUnavailableException(notReady));

    expect(reply.statusCode).toBe(500);
    expect(JSON.stringify(reply.body)).not.toContain('auth');
  });
});
