import { createServer, type AddressInfo, type Server } from 'node:net';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ShutdownState, TypedConfigModule } from '@nestjs-microservices/runtime';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { Subject } from 'rxjs';
import { ServingStatus } from '../health/serving-status';
import { OutboxStatus } from '../mail/outbox-status';

const OFF = { status: 'off', depth: 0, oldestPendingSeconds: 0 };
import { MetricsServer } from './metrics-server.service';
import { MetricsModule } from './metrics.module';

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

async function freePort(): Promise<number> {
  const server = await listenOn(0);
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The metrics module as the app runs it: started by `init()` (bootstrap hooks), stopped by `close()`. */
async function startMetrics(env: Record<string, string>): Promise<TestingModule> {
  const config = new AuthConfig(authEnvSchema.parse(env));
  const moduleRef = await Test.createTestingModule({
    imports: [TypedConfigModule.forRoot(AuthConfig, config), MetricsModule],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('MetricsServer (AUTH_METRICS_HOST / AUTH_METRICS_PORT)', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('serves GET /metrics on 127.0.0.1 by default, in the Prometheus text format, until the app closes', async () => {
    const port = await freePort();
    const moduleRef = await startMetrics({ AUTH_METRICS_PORT: String(port) });
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
      expect(moduleRef.get(MetricsServer).address()).toMatchObject({ address: '127.0.0.1', port });

      const response = await fetch(url);
      const text = await response.text();

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(text).toMatch(/^process_cpu_user_seconds_total\{service="auth"\} /m);
      expect(text).toContain('# TYPE auth_login_attempts_total counter');
      expect(text).toContain('auth_login_attempts_total{outcome="success",service="auth"} 0');
      expect(text).toContain('# TYPE auth_password_hash_duration_seconds histogram');
      expect((await fetch(`${url}?name[]=x`)).status).toBe(200);
    } finally {
      const closing = performance.now();
      await moduleRef.close();
      // fetch keeps its connection alive: closing must not wait for it.
      expect(performance.now() - closing).toBeLessThan(1_000);
    }

    expect(moduleRef.get(MetricsServer).address()).toBeUndefined();
    await expect(fetch(url)).rejects.toThrow();
  });

  it('answers the liveness probe at once, and the readiness probe only while the transport is connected', async () => {
    const port = await freePort();
    const moduleRef = await startMetrics({ AUTH_METRICS_PORT: String(port) });
    const probe = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    try {
      const status$ = new Subject<string>();
      expect(await probe('/health/live')).toEqual({ status: 200, body: { status: 'ok', transport: 'starting' } });
      expect(await probe('/health/ready')).toEqual({
        status: 503,
        body: { status: 'unavailable', transport: 'starting', mail: OFF },
      });

      moduleRef.get(ServingStatus).follow(status$);
      status$.next('connected');
      expect(await probe('/health/ready')).toEqual({
        status: 200,
        body: { status: 'ok', transport: 'connected', mail: OFF },
      });

      // A stuck outbox is reported, but the instance stays ready (logins need no mail).
      moduleRef.get(OutboxStatus).update(3, 700_000, 600_000);
      expect(await probe('/health/ready')).toEqual({
        status: 200,
        body: { status: 'ok', transport: 'connected', mail: { status: 'stuck', depth: 3, oldestPendingSeconds: 700 } },
      });

      status$.next('reconnecting');
      expect(await probe('/health/ready')).toEqual({
        status: 503,
        body: { status: 'unavailable', transport: 'reconnecting', mail: expect.objectContaining({ status: 'stuck' }) },
      });
      expect((await probe('/health/live')).status).toBe(200);
    } finally {
      await moduleRef.close();
    }
  });

  it('is not ready while the database is down, nor from the moment a shutdown begins', async () => {
    const port = await freePort();
    const moduleRef = await startMetrics({ AUTH_METRICS_PORT: String(port) });
    const probe = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    try {
      let database: 'up' | 'down' = 'up';
      const serving = moduleRef.get(ServingStatus);
      serving.checkDatabaseWith(() => Promise.resolve({ database: { status: database, durationMs: 1 } }));
      const status$ = new Subject<string>();
      serving.follow(status$);
      status$.next('connected');
      expect(await probe('/health/ready')).toEqual({
        status: 200,
        body: {
          status: 'ok',
          transport: 'connected',
          database: 'up',
          mail: { status: 'off', depth: 0, oldestPendingSeconds: 0 },
        },
      });

      database = 'down';
      expect(await probe('/health/ready')).toEqual({
        status: 503,
        body: {
          status: 'unavailable',
          transport: 'connected',
          database: 'down',
          mail: { status: 'off', depth: 0, oldestPendingSeconds: 0 },
        },
      });

      database = 'up';
      moduleRef.get(ShutdownState).begin();
      expect(await probe('/health/ready')).toEqual({
        status: 503,
        body: {
          status: 'unavailable',
          transport: 'connected',
          shutdown: 'draining',
          mail: { status: 'off', depth: 0, oldestPendingSeconds: 0 },
        },
      });
      expect((await probe('/health/live')).status).toBe(200);
    } finally {
      await moduleRef.close();
    }
  });

  it('answers 404 to anything but GET /metrics and the probes', async () => {
    const port = await freePort();
    const moduleRef = await startMetrics({ AUTH_METRICS_PORT: String(port) });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (const [method, path] of [
        ['GET', '/'],
        ['GET', '/metrics/x'],
        ['GET', '/api/metrics'],
        ['POST', '/metrics'],
        ['DELETE', '/metrics'],
        ['POST', '/health/ready'],
        ['GET', '/health'],
      ]) {
        const response = await fetch(`${base}${path}`, { method });
        expect({ method, path, status: response.status, body: await response.text() }).toEqual({
          method,
          path,
          status: 404,
          body: 'Not found\n',
        });
      }
    } finally {
      await moduleRef.close();
    }
  });

  it('does not listen at all with AUTH_METRICS_PORT=0', async () => {
    const moduleRef = await startMetrics({ AUTH_METRICS_PORT: '0' });

    expect(moduleRef.get(MetricsServer).address()).toBeUndefined();
    await moduleRef.close();
  });

  it('fails the start, naming the setting, when the port is taken', async () => {
    const squatter = await listenOn(0);
    const { port } = squatter.address() as AddressInfo;
    try {
      await expect(startMetrics({ AUTH_METRICS_PORT: String(port) })).rejects.toThrow(
        new RegExp(
          `Cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(AUTH_METRICS_HOST/AUTH_METRICS_PORT\\): .*EADDRINUSE`,
        ),
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
