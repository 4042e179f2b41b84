import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { assessInternalPort, isLoopbackAddress, isLoopbackHost } from './internal-port';

const configOf = (env: Record<string, string>) =>
  new AuthConfig(authEnvSchema.parse({ SIGNING_KEY_ENCRYPTION_SECRET: 'x'.repeat(32), MAIL_ENABLED: 'false', ...env }));

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::ffff:7f00:2', '0:0:0:0:0:0:0:1'])(
    '%s is loopback',
    (address) => expect(isLoopbackAddress(address)).toBe(true),
  );

  it.each(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1', 'localhost', '127.0.0.1.evil', 'fe80::1%lo'])(
    '%s is not',
    (address) => expect(isLoopbackAddress(address)).toBe(false),
  );
});

describe('isLoopbackHost', () => {
  const resolver = (addresses: string[] | Error) => (): Promise<string[]> =>
    addresses instanceof Error ? Promise.reject(addresses) : Promise.resolve(addresses);

  it('resolves a name: loopback only if every address is', async () => {
    await expect(isLoopbackHost('auth.local', resolver(['127.0.0.1', '::1']))).resolves.toBe(true);
    await expect(isLoopbackHost('auth.local', resolver(['127.0.0.1', '10.0.0.5']))).resolves.toBe(false);
    await expect(isLoopbackHost('auth.local', resolver([]))).resolves.toBe(false);
    await expect(isLoopbackHost('nowhere', resolver(new Error('ENOTFOUND')))).resolves.toBe(false);
  });

  it('resolves localhost for real', async () => {
    await expect(isLoopbackHost('localhost')).resolves.toBe(true);
  });
});

describe('assessInternalPort', () => {
  it('refuses a public TCP bind without mutual TLS in production only', async () => {
    const production = await assessInternalPort(configOf({ NODE_ENV: 'production', AUTH_TCP_HOST: '0.0.0.0' }));
    expect(production).toMatchObject({ loopbackBind: false, trustsClaimedClientIp: false });
    expect(production.refusal).toMatch(/^Invalid configuration: AUTH_TCP_HOST: 0\.0\.0\.0 .*AUTH_TLS_CA/);
    expect(production.refusal).not.toContain('\n');
    const test = await assessInternalPort(configOf({ NODE_ENV: 'test', AUTH_TCP_HOST: '0.0.0.0' }));
    expect(test.refusal).toBeUndefined();
  });

  it('accepts loopback binds in production, and believes their callers', async () => {
    for (const host of ['127.0.0.2', '::ffff:127.0.0.1', '::1']) {
      const exposure = await assessInternalPort(configOf({ NODE_ENV: 'production', AUTH_TCP_HOST: host }));
      expect(exposure).toEqual({ loopbackBind: true, trustsClaimedClientIp: true, refusal: undefined });
    }
  });

  it('refuses NATS without credentials in production only', async () => {
    const open = await assessInternalPort(configOf({ NODE_ENV: 'production', TRANSPORT: 'nats' }));
    expect(open.refusal).toMatch(/TRANSPORT=nats without credentials.*NATS_TOKEN/);
    expect((await assessInternalPort(configOf({ TRANSPORT: 'nats' }))).refusal).toBeUndefined();
    const closed = await assessInternalPort(configOf({ NODE_ENV: 'production', TRANSPORT: 'nats', NATS_TOKEN: 't' }));
    expect(closed).toMatchObject({ trustsClaimedClientIp: true, refusal: undefined });
  });
});
