import { Logger } from '@nestjs/common';
import { type ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { HealthIndicatorService } from '@nestjs/terminus';
import { ERROR_MESSAGES, type RequestMeta } from '@nestjs-microservices/shared';
import { Registry } from 'prom-client';
import { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { AuthRpcMetrics } from '../metrics/auth-rpc.metrics';
import { AuthHealthIndicator } from './auth-health.indicator';

const meta: RequestMeta = { requestId: 'spec-health-1', clientIp: '127.0.0.1' };
const config = new GatewayConfig(gatewayEnvSchema.parse({ HEALTH_TIMEOUT_MS: '200' }));

describe('AuthHealthIndicator', () => {
  let client: ClientProxy;
  let auth: AuthClient;
  let indicator: AuthHealthIndicator;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    client = ClientProxyFactory.create({
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port: 1 }, // never connected: `health` is stubbed
    });
    auth = new AuthClient(client, config, new AuthRpcMetrics(new Registry()));
    indicator = new AuthHealthIndicator(auth, new HealthIndicatorService());
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await client.close();
  });

  it('reports auth and database up when the service answers with its database up', async () => {
    const health = jest.spyOn(auth, 'health').mockResolvedValue({ database: { status: 'up', durationMs: 0.5 } });

    await expect(indicator.check(meta)).resolves.toEqual({
      auth: { status: 'up', durationMs: expect.any(Number) },
      database: { status: 'up', durationMs: 0.5 },
    });
    expect(health).toHaveBeenCalledWith(meta);
  });

  it('reports the database down (auth up) when the service cannot reach it', async () => {
    const database = { status: 'down', durationMs: 150, message: 'the database query failed' } as const;
    jest.spyOn(auth, 'health').mockResolvedValue({ database });

    await expect(indicator.check(meta)).resolves.toEqual({
      auth: { status: 'up', durationMs: expect.any(Number) },
      database,
    });
  });

  it('reports only auth, down with the code, when the service does not answer in time', async () => {
    jest.spyOn(auth, 'health').mockRejectedValue(new ApiError('UPSTREAM_TIMEOUT', ERROR_MESSAGES.UPSTREAM_TIMEOUT));

    await expect(indicator.check(meta)).resolves.toEqual({
      auth: {
        status: 'down',
        code: 'UPSTREAM_TIMEOUT',
        message: ERROR_MESSAGES.UPSTREAM_TIMEOUT,
        durationMs: expect.any(Number),
      },
    });
  });

  it('never lets an unexpected error through, and never shows it', async () => {
    jest.spyOn(auth, 'health').mockRejectedValue(new Error('hunter2'));

    const result = await indicator.check(meta);

    expect(result).toEqual({
      auth: {
        status: 'down',
        code: 'INTERNAL_ERROR',
        message: ERROR_MESSAGES.INTERNAL_ERROR,
        durationMs: expect.any(Number),
      },
    });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});
