import { Transport } from '@nestjs/microservices';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { authClientOptions, authTransportPhrase, describeAuthTransport } from './auth-client.module';
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

describe('describeAuthTransport and authTransportPhrase (banner and OpenAPI description)', () => {
  const configFor = (env: Record<string, string>) => new GatewayConfig(gatewayEnvSchema.parse(env));

  it('name TCP when the gateway uses TCP', () => {
    const config = configFor({ AUTH_TCP_HOST: 'auth.internal', AUTH_TCP_PORT: '4001' });

    expect(describeAuthTransport(config)).toBe('tcp://auth.internal:4001 (NestJS TCP transport)');
    expect(authTransportPhrase(config)).toBe('over the NestJS TCP transport');
  });

  it('name NATS, without its credentials, when the gateway uses NATS', () => {
    const config = configFor({
      TRANSPORT: 'nats',
      NATS_URL: 'nats://nats.internal:4222',
      NATS_USER: 'platform',
      NATS_PASSWORD: 'hunter2-secret',
    });

    expect(describeAuthTransport(config)).toBe(
      "nats://nats.internal:4222 (NATS), requests to the auth service's queue group",
    );
    expect(authTransportPhrase(config)).toMatch(/^over NATS /);
    expect(describeAuthTransport(config)).not.toMatch(/TCP|hunter2/);
  });
});
