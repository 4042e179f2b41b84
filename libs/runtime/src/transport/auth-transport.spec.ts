import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../env';
import {
  authTransportEnvShape,
  describeNats,
  natsConnectOptions,
  natsSubject,
  readNatsSettings,
} from './auth-transport';

const schema = z.object(authTransportEnvShape);
const settings = (env: NodeJS.ProcessEnv) => readNatsSettings(loadConfig(schema, env, ''));

describe('auth transport settings', () => {
  it('is TCP unless TRANSPORT=nats, and then defaults to the local NATS server', () => {
    expect(settings({})).toBeUndefined();
    expect(settings({ NATS_URL: 'nats://elsewhere:4222' })).toBeUndefined();
    expect(settings({ TRANSPORT: 'nats' })).toEqual({ servers: ['nats://127.0.0.1:4222'], subjectPrefix: '' });
  });

  it('reads credentials and a subject prefix', () => {
    expect(settings({ TRANSPORT: 'nats', NATS_USER: 'gw', NATS_PASSWORD: 'pw', NATS_SUBJECT_PREFIX: 'eu-1' })).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      user: 'gw',
      pass: 'pw',
      subjectPrefix: 'eu-1',
    });
  });

  it.each([
    [{ NATS_USER: 'gw' }, /NATS_USER, NATS_PASSWORD: set both or neither/],
    [{ NATS_PASSWORD: 'pw' }, /NATS_USER, NATS_PASSWORD: set both or neither/],
    [{ NATS_TOKEN: 't', NATS_USER: 'gw', NATS_PASSWORD: 'pw' }, /NATS_TOKEN: use either a token/],
    [{ NATS_TLS_CERT: '/x/cert.pem' }, /NATS_TLS_CERT, NATS_TLS_KEY: set both or neither/],
    [{ NATS_TLS_CA: '/does/not/exist.pem' }, /NATS_TLS_CA: cannot read \/does\/not\/exist.pem/],
  ])('refuses an incomplete or unreadable setting %p, naming it', (env, message) => {
    expect(() => settings({ TRANSPORT: 'nats', ...env })).toThrow(ConfigError);
    expect(() => settings({ TRANSPORT: 'nats', ...env })).toThrow(message);
  });

  it('reads the TLS files at start-up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nats-tls-'));
    for (const name of ['ca', 'cert', 'key']) writeFileSync(join(dir, `${name}.pem`), `${name} pem`);
    const tls = settings({
      TRANSPORT: 'nats',
      NATS_TLS_CA: join(dir, 'ca.pem'),
      NATS_TLS_CERT: join(dir, 'cert.pem'),
      NATS_TLS_KEY: join(dir, 'key.pem'),
    })?.tls;
    expect(tls).toEqual({ ca: 'ca pem', cert: 'cert pem', key: 'key pem' });
  });

  it('puts subjects under the prefix, if any', () => {
    expect(natsSubject({ subjectPrefix: '' }, 'auth.login')).toBe('auth.login');
    expect(natsSubject({ subjectPrefix: 'eu-1' }, 'auth.login')).toBe('eu-1.auth.login');
  });

  it('reconnects forever and never prints credentials in the banner', () => {
    const nats = { servers: ['nats://user:pw@n1:4222'], token: 't', subjectPrefix: 'p' };
    expect(natsConnectOptions(nats, 'gateway')).toMatchObject({
      servers: nats.servers,
      name: 'gateway',
      token: 't',
      maxReconnectAttempts: -1,
    });
    expect(describeNats(nats)).toBe('nats://n1:4222 (NATS, subjects p.*)');
  });
});
