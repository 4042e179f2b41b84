import { Transport } from '@nestjs/microservices';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { authClientOptions } from './auth-client.module';
import { AuthNatsClient } from './auth-nats.client';

const optionsFor = (env: Record<string, string>) => authClientOptions(new GatewayConfig(gatewayEnvSchema.parse(env)));

describe('authClientOptions (TRANSPORT)', () => {
  it('connects to the auth service over NestJS TCP by default', () => {
    expect(optionsFor({ AUTH_TCP_HOST: 'auth.internal', AUTH_TCP_PORT: '4001' })).toEqual({
      transport: Transport.TCP,
      options: { host: 'auth.internal', port: 4001 },
    });
  });

  it('sends to the queue group through NATS with TRANSPORT=nats, with its own deadline past the call timeout', () => {
    expect(optionsFor({ TRANSPORT: 'nats', NATS_SUBJECT_PREFIX: 'eu', AUTH_RPC_TIMEOUT_MS: '3000' })).toEqual({
      customClass: AuthNatsClient,
      options: {
        nats: { servers: ['nats://127.0.0.1:4222'], subjectPrefix: 'eu' },
        requestTimeoutMs: 4_000,
        connectionName: expect.stringMatching(/^api-gateway@.+:\d+$/),
      },
    });
  });
});
