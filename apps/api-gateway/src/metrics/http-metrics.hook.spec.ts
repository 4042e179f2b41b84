import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { recordHttpMetrics } from './http-metrics.hook';
import { HttpMetrics } from './http.metrics';

const countLine = (method: string, route: string, status: number, count: number) =>
  `http_request_duration_seconds_count{method="${method}",route="${route}",status_code="${status}"} ${count}`;

/** The hook on a real Fastify instance (as the gateway's adapter runs it), answered with `inject`. */
describe('recordHttpMetrics: http_request_duration_seconds{method, route, status_code}', () => {
  let fastify: FastifyInstance;
  let registry: Registry;

  beforeEach(async () => {
    registry = new Registry();
    fastify = Fastify({ bodyLimit: 1_024 });
    recordHttpMetrics(fastify, new HttpMetrics(registry));
    fastify.get('/api/users/:id', (_request, reply) => reply.send({ ok: true }));
    fastify.post('/api/auth/login', (_request, reply) => reply.send({ ok: true }));
    fastify.get('/api/unavailable', () => {
      throw Object.assign(new Error('auth service down'), { statusCode: 503 });
    });
    fastify.get('/api/slow', (_request, reply) => {
      setTimeout(() => void reply.send('done'), 60);
      return reply;
    });
    await fastify.ready();
  });

  afterEach(() => fastify.close());

  it('labels a request with the route pattern, never the URL that was asked for', async () => {
    await fastify.inject({ method: 'GET', url: '/api/users/0190a000-aaaa' });
    await fastify.inject({ method: 'GET', url: '/api/users/0190a000-bbbb?x=1' });
    const text = await registry.metrics();

    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain(countLine('GET', '/api/users/:id', 200, 2));
    expect(text).not.toContain('0190a000');
  });

  it('labels every unknown route "unmatched", so URLs cannot multiply the series', async () => {
    for (const url of ['/api/nope-1', '/api/nope-2', '/wp-admin/secret.php', '/api/users']) {
      expect((await fastify.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
    const text = await registry.metrics();

    expect(text).toContain(countLine('GET', 'unmatched', 404, 4));
    expect(text).not.toMatch(/nope|wp-admin|route="\/api\/users"/);
  });

  it("records Fastify's own 413 under the route the body was sent to", async () => {
    const response = await fastify.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'a', password: 'x'.repeat(2_000) }),
    });

    expect(response.statusCode).toBe(413);
    expect(await registry.metrics()).toContain(countLine('POST', '/api/auth/login', 413, 1));
  });

  it('records error answers (5xx) like any other', async () => {
    expect((await fastify.inject({ method: 'GET', url: '/api/unavailable' })).statusCode).toBe(503);

    expect(await registry.metrics()).toContain(countLine('GET', '/api/unavailable', 503, 1));
  });

  it('measures the time until the response was sent, in seconds', async () => {
    await fastify.inject({ method: 'GET', url: '/api/slow' });
    const sum = /^http_request_duration_seconds_sum\{[^}]*route="\/api\/slow"[^}]*\} (\S+)$/m.exec(
      await registry.metrics(),
    )?.[1];

    expect(Number(sum)).toBeGreaterThanOrEqual(0.05);
    expect(Number(sum)).toBeLessThan(5);
  });
});
