/**
 * The auth service's TCP port, spoken to by a plain `net` client (no Nest): abuse of the framing
 * must cost the abuser their connection and nothing else.
 */
import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { expectLoggedIn, expectSignedUp } from './support/contract';
import { encodeFrame, type NestTcpErrorBody, type NestTcpReply, RawTcpClient, rpcData } from './support/nest-tcp';
import { createTestDatabase, type TestDatabase } from './support/database';
import { DEEP_NESTING, deepJson, NESTING_KINDS, objectWithField } from './support/deep-json';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { createAuthProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import { sleep } from './support/util';

const INCOMPLETE_MESSAGE_TIMEOUT_MS = 2_000;
const MAX_FRAME_BYTES = 65_536;
const KNOWN_USER = 'tcp_known';
const KNOWN_PASSWORD = 'Raw-Socket-Secret-8';
/** How long the server may take to close a connection it should close at once. */
const PROMPT_CLOSE_MS = 1_000;
/** The default frame limit (64 KiB), and the largest the setting accepts (1 MiB less one socket read of headroom). */
const DEFAULT_MAX_FRAME_BYTES = 65_536;
const LARGEST_MAX_FRAME_BYTES = 982_976;

/**
 * A complete `auth.login` request frame whose JSON text is exactly `length` characters, padded with
 * an unknown field (so a server that reads it answers VALIDATION_FAILED).
 */
function frameOfLength(length: number, id: string): string {
  const request = (padding: string): string =>
    JSON.stringify({
      pattern: 'auth.login',
      data: rpcData({ username: KNOWN_USER, password: KNOWN_PASSWORD, padding }, id),
      id,
    });
  const missing = length - request('').length;
  if (missing < 0) throw new Error(`a frame cannot be shorter than ${request('').length} characters`);
  const json = request('p'.repeat(missing));
  return `${json.length}#${json}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeReply(reply: NestTcpReply): string {
  return JSON.stringify(reply).slice(0, 500);
}

/** The `err` of a reply, asserted to be a typed error (`{status: number, code: string, message: string}`). */
function expectTypedError(reply: NestTcpReply, status: number, code: string): NestTcpErrorBody {
  if (!isRecord(reply.err)) {
    throw new Error(`expected a typed error ${status} ${code}, got ${describeReply(reply)}`);
  }
  const err: NestTcpErrorBody = reply.err;
  expect({ status: err.status, code: err.code, messageType: typeof err.message, response: reply.response }).toEqual({
    status,
    code,
    messageType: 'string',
    response: undefined,
  });
  expect(err.message).not.toBe('Internal server error');
  expect(reply.isDisposed).toBe(true);
  return err;
}

/** The user in a successful `auth.login` reply. */
function expectLoginReply(reply: NestTcpReply): Record<string, unknown> {
  if (reply.err !== undefined || !isRecord(reply.response) || !isRecord(reply.response['user'])) {
    throw new Error(`expected {response: {user}}, got ${describeReply(reply)}`);
  }
  expect(reply.isDisposed).toBe(true);
  return reply.response['user'];
}

describe('raw NestJS-TCP clients against the auth service', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  let authPid = 0;
  const clients: RawTcpClient[] = [];

  const connect = async (port = sys().authPort): Promise<RawTcpClient> => {
    const client = await RawTcpClient.connect(port, LOCALHOST);
    clients.push(client);
    return client;
  };

  const validLogin = { username: KNOWN_USER, password: KNOWN_PASSWORD };

  /** A frame of exactly `limit` characters is read and answered; one of `limit + 1` costs the connection. */
  const expectFrameLimit = async (port: number, limit: number, server: AppProcess): Promise<void> => {
    const fits = await connect(port);
    void fits.write(frameOfLength(limit, 'at-the-limit'));
    let reply: NestTcpReply;
    try {
      reply = await fits.waitForReply('at-the-limit', 10_000);
    } catch (error) {
      throw new Error(
        `A frame of exactly ${limit} characters (the limit) was not answered: ${String(error)}\n` +
          `--- last lines of ${server.logFile} ---\n${server.tailLog(5)}`,
      );
    }
    expectTypedError(reply, 400, 'VALIDATION_FAILED');
    expect(fits.closed).toBe(false);

    const tooBig = await connect(port);
    void tooBig.write(frameOfLength(limit + 1, 'over-the-limit'));
    await tooBig.waitForClose(PROMPT_CLOSE_MS);
    expect(tooBig.replies).toEqual([]);
  };

  /** After each abuse: a fresh raw client can log in over TCP, and the gateway can over HTTP. */
  const expectServiceHealthy = async (): Promise<void> => {
    expect(sys().auth.isRunning()).toBe(true);
    const client = await connect();
    const reply = await client.request('auth.login', validLogin);
    expect(expectLoginReply(reply)['username']).toBe(KNOWN_USER);
    client.destroy();
    expectLoggedIn(await sys().http.login(validLogin), KNOWN_USER);
  };

  beforeAll(async () => {
    system = await startSystem({
      suite: 'tcp-raw',
      transport: 'tcp',
      authEnv: {
        AUTH_TCP_INCOMPLETE_MESSAGE_TIMEOUT_MS: String(INCOMPLETE_MESSAGE_TIMEOUT_MS),
        AUTH_TCP_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
      },
    });
    authPid = system.auth.pid;
    expectSignedUp(await system.http.signup(validLogin), KNOWN_USER);
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  afterAll(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await system?.teardown();
  });

  it('a valid auth.login gets {id, response: {user}, isDisposed: true}', async () => {
    const client = await connect();
    const reply = await client.request('auth.login', validLogin);
    const user = expectLoginReply(reply);
    expect(Object.keys(user).sort()).toEqual(['createdAt', 'email', 'emailVerified', 'id', 'username']);
    expect(user['username']).toBe(KNOWN_USER);
    expect(client.closed).toBe(false);
  });

  it('frames pipelined in one write, and a frame split over several writes, are all answered', async () => {
    const client = await connect();
    const first = { pattern: 'auth.login', data: rpcData(validLogin), id: 'pipelined-1' };
    const second = {
      pattern: 'auth.login',
      data: rpcData({ username: KNOWN_USER, password: 'Not-The-Password-1' }),
      id: 'pipelined-2',
    };
    await client.write(encodeFrame(first) + encodeFrame(second));
    expect(expectLoginReply(await client.waitForReply('pipelined-1'))['username']).toBe(KNOWN_USER);
    expectTypedError(await client.waitForReply('pipelined-2'), 401, 'INVALID_CREDENTIALS');

    const split = encodeFrame({ pattern: 'auth.login', data: rpcData(validLogin), id: 'split-1' });
    for (const piece of [split.slice(0, 2), split.slice(2, 30), split.slice(30)]) {
      await client.write(piece);
      await sleep(50);
    }
    expect(expectLoginReply(await client.waitForReply('split-1'))['username']).toBe(KNOWN_USER);
    expect(client.closed).toBe(false);
  });

  it('garbage without a "#" length prefix → the server closes the socket', async () => {
    const client = await connect();
    await client.write('GET / HTTP/1.1\r\nHost: auth\r\n\r\n');
    // At the latest when the incomplete-message timeout fires.
    await client.waitForClose(INCOMPLETE_MESSAGE_TIMEOUT_MS + 3_000);
    await expectServiceHealthy();
  });

  it('a non-numeric length before "#" → the server closes the socket at once', async () => {
    const client = await connect();
    await client.write('abc#{"pattern":"auth.login"}');
    await client.waitForClose(PROMPT_CLOSE_MS);
    await expectServiceHealthy();
  });

  it('a declared length over AUTH_TCP_MAX_FRAME_BYTES (99999999#{) → the server closes the socket at once', async () => {
    const client = await connect();
    await client.write('99999999#{');
    // Promptly: well before the incomplete-message timeout would have closed it anyway.
    await client.waitForClose(PROMPT_CLOSE_MS);
    await expectServiceHealthy();
  });

  it(`a frame of exactly AUTH_TCP_MAX_FRAME_BYTES (${MAX_FRAME_BYTES}) characters is answered; one more → closed`, async () => {
    await expectFrameLimit(sys().authPort, MAX_FRAME_BYTES, sys().auth);
    await expectServiceHealthy();
  });

  it('a frame actually longer than the limit (declared honestly, sent in full) → the server closes the socket', async () => {
    const client = await connect();
    const padding = 'p'.repeat(MAX_FRAME_BYTES * 2);
    const frame = encodeFrame({ pattern: 'auth.login', data: rpcData({ ...validLogin, padding }), id: 'huge-1' });
    void client.write(frame);
    await client.waitForClose(PROMPT_CLOSE_MS);
    expect(client.replies.find((reply) => reply.id === 'huge-1')).toBeUndefined();
    await expectServiceHealthy();
  });

  it('streaming more than the limit without any "#" → closed by the size limit, not by the idle timeout', async () => {
    const client = await connect();
    // A slow but steady stream: every chunk re-arms the incomplete-message timer, so only the
    // frame-size limit can end this connection.
    const chunk = '1'.repeat(8 * 1024);
    const budget = MAX_FRAME_BYTES * 10;
    let sent = 0;
    while (!client.closed && sent < budget) {
      if (await client.write(chunk)) break;
      sent += chunk.length;
      await sleep(10);
    }
    await client.waitForClose(PROMPT_CLOSE_MS);
    expect({ sent, closedBeforeTenTimesTheLimit: sent < budget }).toEqual({
      sent: expect.any(Number),
      closedBeforeTenTimesTheLimit: true,
    });
    await expectServiceHealthy();
  });

  it('50 connections streaming 2 MB of garbage each: every one is cut off, memory stays bounded', async () => {
    const rssKb = async (): Promise<number> => {
      const status = await readFile(`/proc/${sys().auth.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    };
    const before = await rssKb();
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const started = performance.now();
    /** Resolves with how long the server took to close the connection. */
    const flood = (): Promise<number> =>
      new Promise((resolve) => {
        let written = 0;
        const socket = netConnect({ host: LOCALHOST, port: sys().authPort }, () => {
          const pump = (): void => {
            while (written < 2 * 1024 * 1024 && !socket.destroyed) {
              written += chunk.length;
              if (!socket.write(chunk)) return void socket.once('drain', pump);
            }
          };
          pump();
        });
        socket.on('error', () => undefined);
        socket.on('close', () => resolve(performance.now() - started));
        setTimeout(() => socket.destroy(), 10_000).unref();
      });
    const closedAfterMs = await Promise.all(Array.from({ length: 50 }, flood));
    const after = await rssKb();

    // Closed by the size limit (~130k characters buffered), not by the incomplete-message timeout.
    expect(closedAfterMs.filter((ms) => ms >= INCOMPLETE_MESSAGE_TIMEOUT_MS)).toEqual([]);
    // 50 × 2 MB kept in JavaScript strings would be over 200 MB; bounded buffers stay far below.
    expect(after - before).toBeLessThan(64 * 1024);
    await expectServiceHealthy();
  });

  it(`an incomplete frame, then silence → closed after the incomplete-message timeout (${INCOMPLETE_MESSAGE_TIMEOUT_MS} ms)`, async () => {
    const client = await connect();
    const sentAt = performance.now();
    await client.write('120#{"pattern":"auth.login","data":{"usern');
    expect(await client.stillOpenAfter(INCOMPLETE_MESSAGE_TIMEOUT_MS / 2)).toBe(true);
    const closed = await client.waitForClose(INCOMPLETE_MESSAGE_TIMEOUT_MS + 3_000);
    const afterMs = closed.at - sentAt;
    expect({ afterMs: Math.round(afterMs), inWindow: afterMs >= INCOMPLETE_MESSAGE_TIMEOUT_MS * 0.75 }).toEqual({
      afterMs: expect.any(Number),
      inWindow: true,
    });
    await expectServiceHealthy();
  });

  it('invalid JSON inside a correctly sized frame → socket closed or an error, and the server survives', async () => {
    const client = await connect();
    const notJson = '{"pattern":"auth.login",oops}';
    await client.write(`${notJson.length}#${notJson}`);
    // Either outcome is acceptable; give the server a moment to pick one.
    await client.stillOpenAfter(1_000);
    expect(client.replies.every((reply) => reply.response === undefined)).toBe(true);
    await expectServiceHealthy();
  });

  it('an unknown pattern → a typed UNKNOWN_PATTERN error, and the socket stays usable', async () => {
    const client = await connect();
    const reply = await client.request('auth.nonexistent', validLogin);
    const err = expectTypedError(reply, 404, 'UNKNOWN_PATTERN');
    expect(typeof err.status).toBe('number');
    expect(client.closed).toBe(false);
    const next = await client.request('auth.login', validLogin);
    expect(expectLoginReply(next)['username']).toBe(KNOWN_USER);
    await expectServiceHealthy();
  });

  describe('a valid pattern with a wrong data shape → err {status: 400, code: VALIDATION_FAILED}', () => {
    const shapes: Array<[string, unknown]> = [
      ['an empty object', {}],
      ['wrong field types', { username: 42, password: ['Raw-Socket-Secret-8'] }],
      ['a missing password', { username: KNOWN_USER }],
      ['an unknown field', { ...validLogin, admin: true }],
      ['null', null],
      ['a string', 'tcp_known:Raw-Socket-Secret-8'],
      ['an array', [KNOWN_USER, KNOWN_PASSWORD]],
    ];
    it.each(
      ['auth.signup', 'auth.login'].flatMap((pattern) =>
        shapes.map(([label, data]) => [pattern, label, data] as const),
      ),
    )('%s with %s', async (pattern, _label, data) => {
      const client = await connect();
      const reply = await client.request(pattern, data);
      expectTypedError(reply, 400, 'VALIDATION_FAILED');
      // A refused request is not a reason to drop the connection.
      expect(expectLoginReply(await client.request('auth.login', validLogin))['username']).toBe(KNOWN_USER);
    });

    it('…and afterwards the service is healthy', async () => {
      await expectServiceHealthy();
    });
  });

  describe(`nesting ${DEEP_NESTING} levels deep, in meta or in the payload → err {status: 400, code: VALIDATION_FAILED}`, () => {
    /** A request frame whose `meta` and `payload` are given as JSON texts (deep nesting cannot go through JSON.stringify safely). */
    const rawRequest = (pattern: string, metaJson: string, payloadJson: string, id: string): string => {
      const json = `{"pattern":${JSON.stringify(pattern)},"data":{"meta":${metaJson},"payload":${payloadJson}},"id":${JSON.stringify(id)}}`;
      return `${json.length}#${json}`;
    };
    const metaJson = (id: string) => JSON.stringify({ requestId: `e2e-${id}` });
    const cases = ['auth.signup', 'auth.login', 'auth.refresh'].flatMap((pattern) =>
      NESTING_KINDS.flatMap((kind) =>
        ['meta.clientIp', 'meta.extra', 'meta', 'payload.username', 'payload.password', 'payload.extra'].map(
          (where) => [pattern, kind, where] as const,
        ),
      ),
    );
    it.each(cases)('%s, %s nesting in %s', async (pattern, kind, where) => {
      const id = `deep-${pattern}-${kind}-${where}`;
      const deep = deepJson(DEEP_NESTING, kind);
      const [part, field] = where.split('.');
      const meta =
        part !== 'meta'
          ? metaJson(id)
          : field === undefined
            ? deep
            : objectWithField(field, deep, { requestId: `e2e-${id}` });
      const payload =
        part === 'payload' && field !== undefined
          ? objectWithField(field, deep, validLogin)
          : JSON.stringify(validLogin);
      const client = await connect();
      void client.write(rawRequest(pattern, meta, payload, id));
      expectTypedError(await client.waitForReply(id, 5_000), 400, 'VALIDATION_FAILED');
      expect(client.closed).toBe(false);
    });

    it('…and afterwards the service is healthy', async () => {
      await expectServiceHealthy();
    });
  });

  describe.each([
    ['not set (default)', {}, DEFAULT_MAX_FRAME_BYTES],
    [
      `set to its largest value, ${LARGEST_MAX_FRAME_BYTES}`,
      { AUTH_TCP_MAX_FRAME_BYTES: String(LARGEST_MAX_FRAME_BYTES) },
      LARGEST_MAX_FRAME_BYTES,
    ],
  ])(
    'a separate auth service with AUTH_TCP_MAX_FRAME_BYTES %s',
    (label, env: Record<string, string>, limit: number) => {
      let database: TestDatabase | undefined;
      let auth: AppProcess | undefined;
      let port = 0;

      beforeAll(async () => {
        database = await createTestDatabase(`tcp-raw-frame-limit`);
        port = await getFreePort(LOCALHOST);
        auth = createAuthProcess({
          suite: 'tcp-raw',
          name: `auth-frame-limit-${label.startsWith('not') ? 'default' : 'explicit'}`,
          cwd: sys().workDir,
          link: { transport: 'tcp', port },
          databaseUrl: database.url,
          env: { AUTH_TCP_INCOMPLETE_MESSAGE_TIMEOUT_MS: String(INCOMPLETE_MESSAGE_TIMEOUT_MS), ...env },
        });
        await auth.start();
      });

      afterAll(async () => {
        await auth?.stop();
        await database?.dispose();
      });

      it(`starts, and enforces its frame limit: ${limit} characters are answered, one more → closed`, async () => {
        if (!auth) throw new Error('the auth service did not start (see beforeAll)');
        expect(auth.isRunning()).toBe(true);
        await expectFrameLimit(port, limit, auth);
        expect(auth.isRunning()).toBe(true);
      });
    },
  );

  it('a frame limit above the largest allowed value stops the auth service at start-up, naming the setting', async () => {
    const database = await createTestDatabase('tcp-raw-frame-limit-too-big');
    try {
      const auth = createAuthProcess({
        suite: 'tcp-raw',
        name: 'auth-frame-limit-too-big',
        cwd: sys().workDir,
        link: { transport: 'tcp', port: await getFreePort(LOCALHOST) },
        databaseUrl: database.url,
        env: { AUTH_TCP_MAX_FRAME_BYTES: String(LARGEST_MAX_FRAME_BYTES + 1) },
      });
      await expect(auth.start()).rejects.toThrow(/Invalid configuration: AUTH_TCP_MAX_FRAME_BYTES: /);
      expect(auth.isRunning()).toBe(false);
    } finally {
      await database.dispose();
    }
  });

  it('the auth process survived everything (same pid, still running)', async () => {
    expect(sys().auth.isRunning()).toBe(true);
    expect(sys().auth.pid).toBe(authPid);
    expect(sys().gateway.isRunning()).toBe(true);
    await expectServiceHealthy();
  });
});
