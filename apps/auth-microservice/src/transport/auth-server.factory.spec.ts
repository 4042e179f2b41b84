import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { AuthNatsServer } from './auth-nats-server';
import { createAuthServer } from './auth-server.factory';
import { AuthTcpServer } from './auth-tcp-server';
import { assessInternalPort } from './internal-port';

const serverFor = async (env: Record<string, string>) => {
  const config = new AuthConfig(authEnvSchema.parse(env));
  return createAuthServer(config, await assessInternalPort(config));
};

describe('createAuthServer (TRANSPORT)', () => {
  it('serves NestJS TCP on 127.0.0.1 by default, with nothing to warn about and no broadcast', async () => {
    const server = await serverFor({});
    expect(server.strategy).toBeInstanceOf(AuthTcpServer);
    expect(server.description).toBe('tcp://127.0.0.1:3001 (NestJS TCP transport)');
    expect(server.exposedWithoutTls).toBe(false);
    expect(server.publishEvent).toBeUndefined();
  });

  it('warns when TCP listens beyond loopback without TLS', async () => {
    expect((await serverFor({ AUTH_TCP_HOST: '0.0.0.0' })).exposedWithoutTls).toBe(true);
    expect((await serverFor({ AUTH_TCP_HOST: '127.0.0.2' })).exposedWithoutTls).toBe(false);
    expect((await serverFor({ AUTH_TCP_HOST: '::ffff:127.0.0.1' })).exposedWithoutTls).toBe(false);
  });

  it('joins the NATS queue group with TRANSPORT=nats, and can broadcast events', async () => {
    const server = await serverFor({
      TRANSPORT: 'nats',
      NATS_URL: 'nats://user:secret@n1:4222,nats://n2:4222',
      NATS_SUBJECT_PREFIX: 'eu',
      NATS_QUEUE: 'auth-eu',
    });
    expect(server.strategy).toBeInstanceOf(AuthNatsServer);
    expect(server.description).toBe('nats://n1:4222,nats://n2:4222 (NATS, subjects eu.*), queue group auth-eu');
    expect(server.description).not.toContain('secret');
    expect(server.publishEvent).toEqual(expect.any(Function));
  });
});
