import { Logger } from '@nestjs/common';
import type { AddressInfo, Server } from 'node:net';
import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { AuthTcpServer } from './auth-tcp-server';
import { FrameClient } from './frame-client.spec-helpers';

const MAX_FRAME = 1_024;
const UNKNOWN_PATTERN = { status: 404, code: 'UNKNOWN_PATTERN', message: ERROR_MESSAGES.UNKNOWN_PATTERN };

/** A server for 127.0.0.1 with small frame limits and one pattern, `test.echo`, that answers `{ echoed: data }`. */
function echoServer(maxConnections: number): AuthTcpServer {
  const server = new AuthTcpServer({
    host: '127.0.0.1',
    port: 0,
    maxFrameLength: MAX_FRAME,
    incompleteMessageTimeoutMs: 10_000,
    maxSendBufferBytes: 4 * MAX_FRAME,
    maxConnections,
    idleTimeoutMs: 60_000,
    trustsClaimedClientIp: true,
  });
  server.addHandler('test.echo', (data: unknown) => Promise.resolve({ echoed: data }));
  return server;
}

/** Starts `server` on a free port and resolves with that port. */
async function listen(server: AuthTcpServer): Promise<number> {
  await new Promise<void>((resolve, reject) => server.listen((error) => (error ? reject(error) : resolve())));
  return (server.unwrap<Server>().address() as AddressInfo).port;
}

describe('AuthTcpServer with BoundedJsonSocket (real sockets on 127.0.0.1)', () => {
  const server = echoServer(64);
  const eventHandler = jest.fn((_data: unknown) => Promise.resolve(undefined));
  const clients: FrameClient[] = [];
  let port: number;
  let warn: jest.SpyInstance;

  const client = async (): Promise<FrameClient> => {
    const created = await FrameClient.connect(port);
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    server.addHandler('test.event', eventHandler, true);
    port = await listen(server);
  });

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    clients.splice(0).forEach((c) => c.destroy());
    jest.restoreAllMocks();
  });

  afterAll(() => server.close());

  it('answers a request for a known pattern', async () => {
    const c = await client();
    c.send({ id: 'r1', pattern: 'test.echo', data: { a: 1 } });

    await expect(c.next()).resolves.toEqual({ id: 'r1', response: { echoed: { a: 1 } }, isDisposed: true });
  });

  it.each([
    ['an unknown pattern', 'auth.nope'],
    ['an object pattern', { cmd: 'test.echo' }],
    ['a missing pattern', undefined],
  ])('answers %s with a typed UNKNOWN_PATTERN error and keeps the connection', async (_label, pattern) => {
    const c = await client();
    c.send({ id: 'u1', pattern, data: {} });

    await expect(c.next()).resolves.toEqual({ id: 'u1', err: UNKNOWN_PATTERN, isDisposed: true });
    c.send({ id: 'r2', pattern: 'test.echo', data: 'still here' });
    await expect(c.next()).resolves.toMatchObject({ id: 'r2', response: { echoed: 'still here' } });
  });

  it('drops events (no id) without calling their handler or answering', async () => {
    const c = await client();
    c.send({ pattern: 'test.event', data: { x: 1 } }, { id: 'r3', pattern: 'test.echo', data: 3 });

    await expect(c.next()).resolves.toMatchObject({ id: 'r3' });
    expect(eventHandler).not.toHaveBeenCalled();
  });

  it('destroys the connection as soon as a declared length exceeds the limit', async () => {
    const c = await client();
    c.writeRaw(`${MAX_FRAME + 1}#`);

    await expect(c.stateAfter(1_000)).resolves.toBe('closed');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`exceeds the limit of ${MAX_FRAME}`)));
  });

  it('keeps a connection whose frame is within the limit but not complete yet', async () => {
    const c = await client();
    c.writeRaw(`${MAX_FRAME}#{"id":"r4"`);

    await expect(c.stateAfter(200)).resolves.toBe('open');
  });

  it.each([
    ['a corrupted length', 'abc#{}'],
    ['invalid JSON', '5#{oops'],
  ])('destroys the connection on %s', async (_label, raw) => {
    const c = await client();
    c.writeRaw(raw);

    await expect(c.stateAfter(1_000)).resolves.toBe('closed');
  });

  it('accepts a frame whose JSON text is exactly the limit', async () => {
    const c = await client();
    const skeleton = JSON.stringify({ id: 'r5', pattern: 'test.echo', data: '' });
    c.send({ id: 'r5', pattern: 'test.echo', data: 'x'.repeat(MAX_FRAME - skeleton.length) });

    await expect(c.next()).resolves.toMatchObject({ id: 'r5' });
    expect(warn).not.toHaveBeenCalled();
  });

  it('answers pipelined frames that are each far below the limit but exceed it together', async () => {
    const c = await client();
    const requests = Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, pattern: 'test.echo', data: i }));
    const frames = requests.map((request) => FrameClient.frame(request));
    expect(Math.max(...frames.map((frame) => frame.length))).toBeLessThan(MAX_FRAME / 10);
    expect(frames.join('').length).toBeGreaterThan(MAX_FRAME);
    c.writeRaw(frames.join(''));

    for (const { id } of requests) {
      await expect(c.next()).resolves.toMatchObject({ id });
    }
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('AuthTcpServer connection cap', () => {
  const server = echoServer(2);
  const clients: FrameClient[] = [];
  let port: number;

  beforeAll(async () => {
    port = await listen(server);
  });

  afterAll(() => {
    clients.forEach((c) => c.destroy());
    return server.close();
  });

  it('closes connections beyond AUTH_TCP_MAX_CONNECTIONS at once and keeps serving the others', async () => {
    for (let i = 0; i < 3; i++) clients.push(await FrameClient.connect(port));
    const [first, second, third] = clients;

    await expect(third?.stateAfter(500)).resolves.toBe('closed');
    first?.send({ id: 'a', pattern: 'test.echo', data: 1 });
    second?.send({ id: 'b', pattern: 'test.echo', data: 2 });
    await expect(first?.next()).resolves.toMatchObject({ id: 'a', response: { echoed: 1 } });
    await expect(second?.next()).resolves.toMatchObject({ id: 'b', response: { echoed: 2 } });
  });
});
