import Fastify, { type FastifyInstance } from 'fastify';
import { captureLog, flushLog } from './log-capture.spec-helpers';
import { registerAccessLog } from './access-log';

describe('registerAccessLog', () => {
  let app: FastifyInstance;

  async function serve(level: 'log' | 'warn', quietPaths?: string[]) {
    const captured = captureLog(level);
    let next = 0;
    app = Fastify({ genReqId: () => `trace-${++next}` });
    registerAccessLog(app, captured.logger, { quietPaths });
    app.get('/api/auth/me', () => ({ ok: true }));
    app.get('/api/auth/revocations', (request, reply) =>
      (request.headers.authorization ? reply : reply.code(401)).send({}),
    );
    app.get('/boom', (_request, reply) => reply.code(503).send({}));
    await app.ready();
    return captured;
  }

  afterEach(() => app.close());

  it('writes one line when the response is sent: request id, method, URL, status, time; never the headers', async () => {
    const { lines } = await serve('log');
    await app.inject({ method: 'GET', url: '/api/auth/me?x=1', headers: { authorization: 'Bearer secret' } });
    await flushLog();
    expect(lines).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        service: 'gateway',
        requestId: 'trace-1',
        req: { method: 'GET', url: '/api/auth/me?x=1' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      },
    ]);
  });

  it('logs a 5xx at error level', async () => {
    const { lines } = await serve('log');
    await app.inject({ method: 'GET', url: '/boom' });
    await flushLog();
    expect(lines).toMatchObject([
      { level: 50, requestId: 'trace-1', msg: 'request errored', res: { statusCode: 503 } },
    ]);
  });

  it('escapes what a client put in the URL, so no line can be forged', async () => {
    const { lines } = await serve('log');
    await app.inject({ method: 'GET', url: '/api/auth/me?a=%0A{"level":60}' });
    await app.inject({ method: 'GET', url: '/api/auth/me?a=\u2028x' });
    await flushLog();
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.stringify(line)).not.toMatch(/\u2028/);
  });

  it('logs a successful poll of a quiet path at debug level (not written at LOG_LEVEL=log), a refused one at info', async () => {
    const { lines } = await serve('log', ['/api/auth/revocations']);
    await app.inject({ method: 'GET', url: '/api/auth/revocations?since=a.1', headers: { authorization: 'x' } });
    await app.inject({ method: 'GET', url: '/api/auth/revocations' });
    await app.inject({ method: 'GET', url: '/api/auth/me' });
    await flushLog();
    expect(lines.map((line) => line['requestId'])).toEqual(['trace-2', 'trace-3']);
  });

  it('adds no hook at all above LOG_LEVEL=log', async () => {
    const { lines } = await serve('warn');
    await app.inject({ method: 'GET', url: '/boom' });
    await flushLog();
    expect(lines).toEqual([]);
  });
});
