import { createPublicKey, sign, verify } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import type { Database } from '../database/database.types';
import { migrateToLatest } from '../database/migrate';
import { openDatabase } from '../database/open-database';
import { KeyEncryptionError } from './key-encryption';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

const SECRET = 'correct-horse-battery-staple-0123456789';

describe('SigningKeysService (SQLite in memory)', () => {
  let db: Kysely<Database>;

  beforeEach(async () => {
    db = openDatabase({ url: 'sqlite::memory:', poolSize: 1, connectTimeoutMs: 1_000 }).db;
    await migrateToLatest(db, 'sqlite');
  });

  afterEach(() => db.destroy());

  const serviceWith = (env: Record<string, string> = {}) =>
    new SigningKeysService(new SigningKeysRepository(db), new AuthConfig(authEnvSchema.parse(env)));

  /** An instance whose reads and writes take a few milliseconds, like a networked database: awaits interleave. */
  class SlowRepository extends SigningKeysRepository {
    private async pause(): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(Math.random() * 5)));
    }
    override async findAll(): ReturnType<SigningKeysRepository['findAll']> {
      await this.pause();
      return super.findAll();
    }
    override async insert(...args: Parameters<SigningKeysRepository['insert']>): Promise<boolean> {
      await this.pause();
      return super.insert(...args);
    }
  }
  const slowInstances = (count: number) =>
    Array.from(
      { length: count },
      () => new SigningKeysService(new SlowRepository(db), new AuthConfig(authEnvSchema.parse({}))),
    );

  it('creates one active key at first start, and a second instance uses it', async () => {
    const first = serviceWith();
    await first.onModuleInit();
    const second = serviceWith();
    await second.onModuleInit();

    const [a, b] = await Promise.all([first.signingKey(), second.signingKey()]);
    expect(a.kid).toBe(b.kid);
    expect((await first.jwks()).keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: a.kid, alg: 'EdDSA', use: 'sig' },
    ]);
  });

  it('creates one key when several instances start at the same moment on an empty database', async () => {
    const instances = slowInstances(5);
    await Promise.all(instances.map((instance) => instance.onModuleInit()));

    const kids = await Promise.all(instances.map(async (instance) => (await instance.signingKey()).kid));
    expect(new Set(kids).size).toBe(1);
    expect((await instances[0].jwks()).keys).toHaveLength(1);
  });

  it('publishes the key it signs with: the JWK verifies what the private key signed', async () => {
    const service = serviceWith();
    await service.onModuleInit();
    const { kid, privateKeyPem } = await service.signingKey();
    const jwk = (await service.jwks()).keys.find((candidate) => candidate.kid === kid);
    const data = Buffer.from('header.payload');
    const signature = sign(null, data, privateKeyPem);
    expect(verify(null, data, createPublicKey({ key: { ...jwk }, format: 'jwk' }), signature)).toBe(true);
  });

  it('rotates: the new key is published at once but signs only after the publish lead', async () => {
    const service = serviceWith({ SIGNING_KEY_PUBLISH_LEAD: '1m' });
    await service.onModuleInit();
    const before = await service.signingKey();
    const now = new Date();
    const next = await service.rotate(now);

    expect((await service.jwks(now)).keys.map((jwk) => jwk.kid)).toEqual([next.kid, before.kid]);
    await expect(service.signingKey(now)).resolves.toMatchObject({ kid: before.kid });
    await expect(service.signingKey(new Date(now.getTime() + 60_000))).resolves.toMatchObject({ kid: next.kid });
    await expect(service.publicKey(before.kid, new Date(now.getTime() + 60_000))).resolves.toContain('PUBLIC KEY');
  });

  it('adds one key when two instances rotate at the same moment', async () => {
    const [a, b] = [serviceWith(), serviceWith()];
    await a.onModuleInit();
    await b.onModuleInit();
    const [ka, kb] = await Promise.all([a.rotate(), b.rotate()]);
    expect(ka.generation).toBe(kb.generation);
    await expect(db.selectFrom('signing_keys').select('kid').execute()).resolves.toHaveLength(2);
  });

  it('rotates once when several instances find the rotation due at the same moment', async () => {
    const instances = slowInstances(5);
    await instances[0].onModuleInit();
    await Promise.all(instances.slice(1).map((instance) => instance.onModuleInit()));
    const later = new Date(Date.now() + 31 * 86_400_000);

    await Promise.all(instances.map((instance) => instance.maintain(later)));

    expect((await instances[0].jwks(later)).keys).toHaveLength(2);
  });

  it('rotates on its own once the interval has passed', async () => {
    const service = serviceWith({ SIGNING_KEY_ROTATION_INTERVAL: '1h' });
    await service.onModuleInit();
    await service.maintain();
    await expect(db.selectFrom('signing_keys').select('kid').execute()).resolves.toHaveLength(1);
    await service.maintain(new Date(Date.now() + 3_600_000));
    await expect(db.selectFrom('signing_keys').select('kid').execute()).resolves.toHaveLength(2);
  });

  describe('encryption at rest', () => {
    it('stores the private key encrypted when a secret is set, and signs with it', async () => {
      const service = serviceWith({ SIGNING_KEY_ENCRYPTION_SECRET: SECRET });
      await service.onModuleInit();
      const stored = await db.selectFrom('signing_keys').select('private_key').executeTakeFirstOrThrow();
      expect(stored.private_key).toMatch(/^aes-256-gcm:v1:/);
      expect(stored.private_key).not.toContain('PRIVATE KEY');
      await expect(service.signingKey()).resolves.toMatchObject({
        privateKeyPem: expect.stringContaining('PRIVATE KEY'),
      });
    });

    it('encrypts keys stored in clear once a secret is configured', async () => {
      await serviceWith().onModuleInit();
      await serviceWith({ SIGNING_KEY_ENCRYPTION_SECRET: SECRET }).onModuleInit();
      const stored = await db.selectFrom('signing_keys').select('private_key').executeTakeFirstOrThrow();
      expect(stored.private_key).toMatch(/^aes-256-gcm:v1:/);
    });

    it('without a secret, says so at start as a notice, not a warning: a development start has no secret by design', async () => {
      const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
      const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        await serviceWith().onModuleInit();
        expect(logged).toHaveBeenCalledWith(expect.stringMatching(/SIGNING_KEY_ENCRYPTION_SECRET is not set/));
        expect(warned).not.toHaveBeenCalled();
      } finally {
        logged.mockRestore();
        warned.mockRestore();
      }
    });

    it.each([
      ['no secret', {}, /encrypted, but SIGNING_KEY_ENCRYPTION_SECRET is not set/],
      ['another secret', { SIGNING_KEY_ENCRYPTION_SECRET: `${SECRET}-other` }, /does not decrypt/],
    ])('refuses to start with %s, naming the setting', async (_label, env, message) => {
      await serviceWith({ SIGNING_KEY_ENCRYPTION_SECRET: SECRET }).onModuleInit();
      const error: unknown = await serviceWith(env)
        .onModuleInit()
        .catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(KeyEncryptionError);
      expect(String(error)).toMatch(message);
    });
  });
});
