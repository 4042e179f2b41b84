import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AddressInfo, Server } from 'node:net';
import { AUTH_PATTERNS, ERROR_MESSAGES, type RequestMeta } from '@nestjs-microservices/shared';
import { AppModule } from './app.module';
import { RpcCallTracker } from './common/rpc-call-tracker';
import { AuthTcpServer } from './transport/auth-tcp-server';
import { FrameClient } from './transport/frame-client.spec-helpers';
import { AuthConfig, authEnvSchema } from './config/auth-config';

const PASSWORD = 'vT9#qLm2!xRw';
const META: RequestMeta = { requestId: 'spec-request-1', clientIp: '127.0.0.1', userAgent: 'jest' };

/** The whole auth service (real pipe, filter, database in memory, argon2) behind its real TCP server. */
describe('auth microservice over TCP', () => {
  const config = new AuthConfig(
    authEnvSchema.parse({
      DATABASE_URL: 'sqlite::memory:',
      ARGON2_MEMORY_KIB: '8192',
      ARGON2_TIME_COST: '1',
      AUTH_METRICS_PORT: '0', // never the default 9464 in a unit test: another process may hold it
    }),
  );
  const server = new AuthTcpServer({
    host: '127.0.0.1',
    port: 0,
    maxFrameLength: 65_536,
    incompleteMessageTimeoutMs: 1_000,
    maxSendBufferBytes: 262_144,
    maxConnections: 16,
    idleTimeoutMs: 60_000,
    trustsClaimedClientIp: true,
  });
  let app: INestMicroservice;
  let client: FrameClient;
  let nextId = 0;

  async function call(pattern: string, payload: unknown, meta: unknown = META): Promise<unknown> {
    const id = `req-${++nextId}`;
    client.send({ id, pattern, data: { meta, payload } });
    const reply = await client.next();
    expect(reply).toMatchObject({ id });
    return reply;
  }

  beforeAll(async () => {
    app = await NestFactory.createMicroservice(AppModule.register(config), { strategy: server, logger: false });
    server.trackCalls(app.get(RpcCallTracker));
    await app.listen();
    client = await FrameClient.connect((server.unwrap<Server>().address() as AddressInfo).port);
  });

  afterAll(async () => {
    client.destroy();
    await app.close();
  });

  it('schedules its maintenance: sessions, recovery, login throttle, audit (and once after start), signing keys', () => {
    const scheduler = app.get(SchedulerRegistry);
    expect(scheduler.getIntervals()).toHaveLength(5);
    expect(scheduler.getIntervals()).toContain('signing-keys');
    expect(scheduler.getTimeouts()).toHaveLength(1);
  });

  it('signs up and logs in', async () => {
    const signup = await call(AUTH_PATTERNS.signup, { username: ' ａｌｉｃｅ ', password: PASSWORD });
    expect(signup).toEqual({
      id: expect.any(String),
      response: {
        id: expect.any(String),
        username: 'alice',
        createdAt: expect.any(String),
        email: null,
        emailVerified: false,
      },
      isDisposed: true,
    });

    const login = await call(AUTH_PATTERNS.login, { username: 'ALICE', password: PASSWORD });
    expect(login).toMatchObject({ response: { user: { username: 'alice' } } });
  });

  it('answers a wrong password with INVALID_CREDENTIALS', async () => {
    await expect(call(AUTH_PATTERNS.login, { username: 'alice', password: 'wrong' })).resolves.toMatchObject({
      err: { status: 401, code: 'INVALID_CREDENTIALS', message: ERROR_MESSAGES.INVALID_CREDENTIALS },
    });
  });

  it('validates the payload against the contract', async () => {
    const reply = await call(AUTH_PATTERNS.signup, { username: 'a', password: 'password', admin: true });

    expect(reply).toMatchObject({
      err: { status: 400, code: 'VALIDATION_FAILED', message: ERROR_MESSAGES.VALIDATION_FAILED },
    });
    expect(reply).toHaveProperty(
      'err.details',
      expect.arrayContaining([{ field: 'admin', messages: ['property admin should not exist'] }]),
    );
    const fields = JSON.stringify(reply)
      .match(/"field":"[^"]*"/g)
      ?.sort();
    expect(fields).toEqual(['"field":"admin"', '"field":"password"', '"field":"username"']);
  });

  it.each([
    ['null', null],
    ['an array', [{ username: 'alice', password: PASSWORD }]],
    ['a string', 'alice'],
  ])('answers a payload that is %s with VALIDATION_FAILED on the field "payload"', async (_label, data) => {
    const reply = await call(AUTH_PATTERNS.login, data);

    expect(reply).toMatchObject({ err: { status: 400, code: 'VALIDATION_FAILED' } });
    expect(reply).toHaveProperty('err.details', [{ field: 'payload', messages: ['must be a JSON object'] }]);
  });

  it.each([
    ['null', null, 'meta'],
    ['not an object', 'x', 'meta'],
    ['without a request id', { clientIp: '127.0.0.1' }, 'meta.requestId'],
    ['with a malformed request id', { requestId: 'a b\n' }, 'meta.requestId'],
    ['with a client IP that is not an address', { requestId: 'r1', clientIp: 'localhost' }, 'meta.clientIp'],
  ])('refuses a request whose meta is %s', async (_label, meta, field) => {
    const reply = await call(AUTH_PATTERNS.login, { username: 'alice', password: PASSWORD }, meta);

    expect(reply).toMatchObject({ err: { status: 400, code: 'VALIDATION_FAILED' } });
    expect(reply).toHaveProperty('err.details.0.field', field);
  });

  it('answers an unknown pattern with UNKNOWN_PATTERN', async () => {
    await expect(call('auth.no-such-pattern', {})).resolves.toMatchObject({
      err: { status: 404, code: 'UNKNOWN_PATTERN' },
    });
  });

  it('answers auth.health with the state of the database', async () => {
    await expect(call(AUTH_PATTERNS.health, { timeoutMs: 500 })).resolves.toMatchObject({
      response: { database: { status: 'up', durationMs: expect.any(Number) } },
    });
  });

  it.each([
    ['without a budget', {}],
    ['with a budget of 0 ms', { timeoutMs: 0 }],
  ])('refuses auth.health %s', async (_label, payload) => {
    const reply = await call(AUTH_PATTERNS.health, payload);

    expect(reply).toMatchObject({ err: { status: 400, code: 'VALIDATION_FAILED' } });
    expect(reply).toHaveProperty('err.details.0.field', 'timeoutMs');
  });
});
