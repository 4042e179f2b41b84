import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { AUTH_PATTERNS, ERROR_MESSAGES, type RequestMeta, rpcError } from '@nestjs-microservices/shared';
import { Registry } from 'prom-client';
import { NEVER, type Observable, of, throwError } from 'rxjs';
import { ApiError } from '../common/api-error';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { AuthRpcMetrics } from '../metrics/auth-rpc.metrics';
import { AuthClient } from './auth.client';

/** The transport boundary: answers every `send` with the observable it was given, and records the calls. */
class FakeClientProxy extends ClientProxy {
  readonly calls: Array<{ pattern: unknown; data: unknown }> = [];

  constructor(private readonly reply: () => Observable<unknown>) {
    super();
  }

  override send<TResult, TInput>(pattern: unknown, data: TInput): Observable<TResult> {
    this.calls.push({ pattern, data });
    return this.reply() as Observable<TResult>;
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    // nothing to close
  }

  unwrap<T>(): T {
    throw new Error(`${String(this.calls.length)} calls, nothing to unwrap`);
  }

  protected publish(_packet: ReadPacket, _callback: (packet: WritePacket) => void): () => void {
    throw new Error('not used: send is overridden');
  }

  protected dispatchEvent<T>(_packet: ReadPacket): Promise<T> {
    return Promise.reject(new Error('not used'));
  }
}

const config = new GatewayConfig(gatewayEnvSchema.parse({ AUTH_RPC_TIMEOUT_MS: '100' }));
const credentials = { username: 'alice', password: 'vT9#qLm2!xRw' };
const meta: RequestMeta = { requestId: 'spec-request-1', clientIp: '127.0.0.1', userAgent: 'jest' };

function clientAnswering(reply: () => Observable<unknown>): {
  auth: AuthClient;
  proxy: FakeClientProxy;
  registry: Registry;
} {
  const proxy = new FakeClientProxy(reply);
  const registry = new Registry();
  return { auth: new AuthClient(proxy, config, new AuthRpcMetrics(registry)), proxy, registry };
}

async function apiErrorOf(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe('AuthClient', () => {
  let warn: jest.SpyInstance;
  let debug: jest.SpyInstance;
  let logged: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('sends signup on its pattern and returns the answer', async () => {
    const user = {
      id: '0190a000-0000-7000-8000-000000000000',
      username: 'alice',
      createdAt: '2025-01-01T00:00:00.000Z',
    };
    const { auth, proxy } = clientAnswering(() => of(user));

    await expect(auth.signup(credentials, meta)).resolves.toEqual(user);
    expect(proxy.calls).toEqual([{ pattern: AUTH_PATTERNS.signup, data: { meta, payload: credentials } }]);
  });

  it('sends login on its pattern and returns the answer', async () => {
    const answer = { user: { id: 'id', username: 'alice', createdAt: '2025-01-01T00:00:00.000Z' } };
    const { auth, proxy } = clientAnswering(() => of(answer));

    await expect(auth.login(credentials, meta)).resolves.toEqual(answer);
    expect(proxy.calls).toEqual([{ pattern: AUTH_PATTERNS.login, data: { meta, payload: credentials } }]);
  });

  describe('session calls: each on its pattern, with the payload as given, answering what the service answers', () => {
    const accessToken = 'header.payload.signature';
    const sessionId = '0190a000-0000-7000-8000-000000000001';
    const ended = { revoked: [{ sessionId, until: '2025-01-01T00:15:00.000Z' }] };
    const tokens = {
      accessToken,
      accessTokenExpiresAt: '2025-01-01T00:15:00.000Z',
      refreshToken: 'r'.repeat(43),
      refreshTokenExpiresAt: '2025-01-15T00:00:00.000Z',
      tokenType: 'Bearer',
    };
    const calls: Array<[string, (auth: AuthClient) => Promise<unknown>, string, unknown, unknown]> = [
      [
        'refresh',
        (auth) => auth.refresh({ refreshToken: 'r' }, meta),
        AUTH_PATTERNS.refresh,
        { refreshToken: 'r' },
        tokens,
      ],
      ['logout', (auth) => auth.logout({ accessToken }, meta), AUTH_PATTERNS.logout, { accessToken }, ended],
      ['logoutAll', (auth) => auth.logoutAll({ accessToken }, meta), AUTH_PATTERNS.logoutAll, { accessToken }, ended],
      [
        'listSessions',
        (auth) => auth.listSessions({ accessToken }, meta),
        AUTH_PATTERNS.listSessions,
        { accessToken },
        [],
      ],
      [
        'endSession',
        (auth) => auth.endSession({ accessToken, sessionId }, meta),
        AUTH_PATTERNS.endSession,
        { accessToken, sessionId },
        ended,
      ],
      [
        'changePassword',
        (auth) => auth.changePassword({ accessToken, currentPassword: 'a', newPassword: 'b' }, meta),
        AUTH_PATTERNS.changePassword,
        { accessToken, currentPassword: 'a', newPassword: 'b' },
        ended,
      ],
      ['jwks', (auth) => auth.jwks(meta), AUTH_PATTERNS.jwks, {}, { keys: [] }],
      [
        'revocations',
        (auth) => auth.revocations({ since: '2025-01-01T00:00:00.000Z' }, meta),
        AUTH_PATTERNS.revocations,
        { since: '2025-01-01T00:00:00.000Z' },
        { serverTime: '2025-01-01T00:00:01.000Z', revoked: [] },
      ],
    ];

    it.each(calls)('%s', async (_name, invoke, pattern, payload, answer) => {
      const { auth, proxy } = clientAnswering(() => of(answer));

      await expect(invoke(auth)).resolves.toEqual(answer);
      expect(proxy.calls).toEqual([{ pattern, data: { meta, payload } }]);
    });

    it.each(calls)('%s: transport failures become AUTH_UNAVAILABLE like every call', async (_name, invoke) => {
      const { auth } = clientAnswering(() => throwError(() => new Error('connect ECONNREFUSED')));

      await expect(apiErrorOf(invoke(auth)).then((e) => e.code)).resolves.toBe('AUTH_UNAVAILABLE');
    });
  });

  it('logs a failed revocation or key poll at debug (each poller reports the outage once), a failed user call at warn', async () => {
    const { auth } = clientAnswering(() => throwError(() => new Error('connect ECONNREFUSED 127.0.0.1:3001')));

    for (let poll = 0; poll < 3; poll++) {
      await expect(apiErrorOf(auth.revocations({}, meta)).then((e) => e.code)).resolves.toBe('AUTH_UNAVAILABLE');
      await expect(apiErrorOf(auth.jwks(meta)).then((e) => e.code)).resolves.toBe('AUTH_UNAVAILABLE');
    }
    expect(warn).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith(
      { requestId: meta.requestId },
      'auth.revocations: auth service unavailable (connect ECONNREFUSED 127.0.0.1:3001)',
    );
    expect(debug).toHaveBeenCalledWith(
      { requestId: meta.requestId },
      'auth.jwks: auth service unavailable (connect ECONNREFUSED 127.0.0.1:3001)',
    );

    await apiErrorOf(auth.login(credentials, meta));
    expect(warn).toHaveBeenCalledWith(
      { requestId: meta.requestId },
      'auth.login: auth service unavailable (connect ECONNREFUSED 127.0.0.1:3001)',
    );
  });

  it('turns a typed RPC error into an ApiError with the same code, message and details', async () => {
    const details = [{ field: 'username', messages: ['too short'] }];
    const { auth } = clientAnswering(() =>
      throwError(() => rpcError('VALIDATION_FAILED', 'The request is invalid', details)),
    );

    const error = await apiErrorOf(auth.signup(credentials, meta));

    expect(error.toBody()).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      details,
    });
  });

  it('passes INVALID_CREDENTIALS through as 401', async () => {
    const { auth } = clientAnswering(() =>
      throwError(() => rpcError('INVALID_CREDENTIALS', ERROR_MESSAGES.INVALID_CREDENTIALS)),
    );

    await expect(apiErrorOf(auth.login(credentials, meta)).then((e) => e.toBody())).resolves.toEqual({
      statusCode: 401,
      code: 'INVALID_CREDENTIALS',
      message: ERROR_MESSAGES.INVALID_CREDENTIALS,
    });
  });

  it('keeps the sessions a REFRESH_TOKEN_REUSED ended beside the error, out of its body', async () => {
    const revoked = [{ sessionId: '0190a000-0000-7000-8000-0000000000b1', until: '2030-01-01T00:00:00.000Z' }];
    const { auth } = clientAnswering(() =>
      throwError(() => ({
        ...rpcError('REFRESH_TOKEN_REUSED', ERROR_MESSAGES.REFRESH_TOKEN_REUSED),
        revoked: [...revoked, null, 'x'],
      })),
    );

    const error = await apiErrorOf(auth.refresh({ refreshToken: 'r'.repeat(43) }, meta));

    expect(error.endedSessions).toEqual(revoked);
    expect(error.toBody()).toEqual({
      statusCode: 401,
      code: 'REFRESH_TOKEN_REUSED',
      message: ERROR_MESSAGES.REFRESH_TOKEN_REUSED,
    });
  });

  it('answers UPSTREAM_TIMEOUT when the service never answers within AUTH_RPC_TIMEOUT_MS', async () => {
    const { auth } = clientAnswering(() => NEVER);
    const start = performance.now();

    const error = await apiErrorOf(auth.login(credentials, meta));

    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.message).toBe(ERROR_MESSAGES.UPSTREAM_TIMEOUT);
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
    expect(warn).toHaveBeenCalledWith({ requestId: expect.any(String) }, expect.stringContaining('100 ms'));
  });

  it.each([
    ['connection refused', new Error('connect ECONNREFUSED 127.0.0.1:3001')],
    ['connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
  ])('answers AUTH_UNAVAILABLE on %s, without the transport detail', async (_label, transportError) => {
    const { auth } = clientAnswering(() => throwError(() => transportError));

    const error = await apiErrorOf(auth.signup(credentials, meta));

    expect(error.toBody()).toEqual({
      statusCode: 503,
      code: 'AUTH_UNAVAILABLE',
      message: ERROR_MESSAGES.AUTH_UNAVAILABLE,
    });
  });

  it.each([
    ["Nest's untyped error", { status: 'error', message: 'x' }],
    ['a string', 'There is no matching message handler defined in the remote service.'],
    ['an unknown code', { status: 418, code: 'TEAPOT', message: 'x' }],
  ])('answers INTERNAL_ERROR for %s and logs it', async (_label, untyped) => {
    const { auth } = clientAnswering(() => throwError(() => untyped));

    const error = await apiErrorOf(auth.login(credentials, meta));

    expect(error.toBody()).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: ERROR_MESSAGES.INTERNAL_ERROR });
    expect(logged).toHaveBeenCalledWith(
      { requestId: expect.any(String) },
      expect.stringContaining(JSON.stringify(untyped)),
    );
  });
});

describe('AuthClient metrics: auth_rpc_client_duration_seconds{pattern, outcome}', () => {
  const countLine = (pattern: string, outcome: string, count: number) =>
    `auth_rpc_client_duration_seconds_count{pattern="${pattern}",outcome="${outcome}"} ${count}`;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('records each successful call once, as outcome "ok" under its pattern', async () => {
    const { auth, registry } = clientAnswering(() => of({ user: {} }));

    await auth.login(credentials, meta);
    await auth.login(credentials, meta);
    const text = await registry.metrics();

    expect(text).toContain('# TYPE auth_rpc_client_duration_seconds histogram');
    expect(text).toContain(countLine('auth.login', 'ok', 2));
    expect(text).not.toContain('pattern="auth.signup"');
  });

  it.each([
    ['a typed RPC error', () => throwError(() => rpcError('INVALID_CREDENTIALS', 'x')), 'INVALID_CREDENTIALS'],
    ['no answer in time', () => NEVER, 'UPSTREAM_TIMEOUT'],
    ['a refused connection', () => throwError(() => new Error('connect ECONNREFUSED')), 'AUTH_UNAVAILABLE'],
    ['an untyped error', () => throwError(() => 'garbage'), 'INTERNAL_ERROR'],
  ])('records %s with the error code the gateway answers as the outcome', async (_label, reply, outcome) => {
    const { auth, registry } = clientAnswering(reply);

    await apiErrorOf(auth.signup(credentials, meta));
    const text = await registry.metrics();

    expect(text).toContain(countLine('auth.signup', outcome, 1));
    expect(text).not.toContain('outcome="ok"');
  });

  it('measures the time the call took', async () => {
    const { auth, registry } = clientAnswering(() => NEVER);

    await apiErrorOf(auth.login(credentials, meta));
    const sum = /^auth_rpc_client_duration_seconds_sum\{[^}]*\} (\S+)$/m.exec(await registry.metrics())?.[1];

    expect(Number(sum)).toBeGreaterThanOrEqual(0.09);
    expect(Number(sum)).toBeLessThan(5);
  });
});

describe('AuthClient.health', () => {
  const healthConfig = new GatewayConfig(
    gatewayEnvSchema.parse({ AUTH_RPC_TIMEOUT_MS: '5000', HEALTH_TIMEOUT_MS: '200' }),
  );
  const clientFor = (reply: () => Observable<unknown>) => {
    const proxy = new FakeClientProxy(reply);
    return { auth: new AuthClient(proxy, healthConfig, new AuthRpcMetrics(new Registry())), proxy };
  };

  afterEach(() => jest.restoreAllMocks());

  it('sends auth.health with a database budget of three quarters of HEALTH_TIMEOUT_MS', async () => {
    const answer = { database: { status: 'up', durationMs: 0.4 } };
    const { auth, proxy } = clientFor(() => of(answer));

    await expect(auth.health(meta)).resolves.toEqual(answer);
    expect(proxy.calls).toEqual([{ pattern: AUTH_PATTERNS.health, data: { meta, payload: { timeoutMs: 150 } } }]);
  });

  it('gives up after HEALTH_TIMEOUT_MS, not AUTH_RPC_TIMEOUT_MS', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { auth } = clientFor(() => NEVER);
    const start = performance.now();

    const error = await apiErrorOf(auth.health(meta));

    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(performance.now() - start).toBeGreaterThanOrEqual(190);
    expect(performance.now() - start).toBeLessThan(1_000);
    expect(warn).toHaveBeenCalledWith({ requestId: expect.any(String) }, 'auth.health: no answer within 200 ms');
  });
});
