import { type Algorithm, hash, parseOptions } from '@node-rs/argon2';
import { Registry } from 'prom-client';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { PasswordHashMetrics } from '../metrics/password-hash.metrics';
import { PasswordHasher } from './password-hasher.service';

// `Algorithm` is an ambient const enum: spelled as numbers, as in the service.
const ARGON2D = 0 as Algorithm;
const ARGON2I = 1 as Algorithm;
const ARGON2ID = 2 as Algorithm;

function hasherWith(memoryKib: number, timeCost: number, parallelism = 1, registry = new Registry()): PasswordHasher {
  const env = authEnvSchema.parse({
    ARGON2_MEMORY_KIB: String(memoryKib),
    ARGON2_TIME_COST: String(timeCost),
    ARGON2_PARALLELISM: String(parallelism),
  });
  return new PasswordHasher(new AuthConfig(env), new PasswordHashMetrics(registry));
}

const median = (times: number[]): number => times.sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? Number.NaN;

/** Times `a` and `b` taken in turn, so that load from elsewhere on the machine falls on both alike; their medians. */
async function pairedMedianMs(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [index, work] of [a, b].entries()) {
      const start = performance.now();
      await work();
      times[index]?.push(performance.now() - start);
    }
  }
  return times.map(median) as [number, number];
}

describe('PasswordHasher', () => {
  // Current policy in these tests: m=16 MiB, t=2, p=2, so that weaker hashes exist at the schema's minimums.
  const hasher = hasherWith(16_384, 2, 2);
  let stored: string;

  beforeAll(async () => {
    await hasher.onModuleInit();
    stored = await hasher.hash('correct horse battery staple');
  });

  it('hashes with argon2id in PHC format, with the configured parameters and a random salt', async () => {
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=16384,t=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await hasher.hash('correct horse battery staple')).not.toBe(stored);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    await expect(hasher.verify(stored, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(stored, 'correct horse battery stapler')).resolves.toBe(false);
    await expect(hasher.verify(stored, '')).resolves.toBe(false);
  });

  it.each(['', 'not-a-hash', '$argon2id$v=19$m=16384,t=2,p=2$garbage', '$2b$10$abcdefghijklmnopqrstuv'])(
    'answers false, not an exception, for the stored value %p',
    async (garbage) => {
      await expect(hasher.verify(garbage, 'correct horse battery staple')).resolves.toBe(false);
    },
  );

  it('verifyDummy always answers false, even for the password it might have used', async () => {
    await expect(hasher.verifyDummy('correct horse battery staple')).resolves.toBe(false);
    await expect(hasher.verifyDummy('')).resolves.toBe(false);
  });

  it('verifyDummy works before onModuleInit ran', async () => {
    await expect(hasherWith(8_192, 1).verifyDummy('whatever')).resolves.toBe(false);
  });

  it('verifyDummy costs about as much as verifying a real account', async () => {
    const slow = hasherWith(32_768, 2);
    await slow.onModuleInit();
    const real = await slow.hash('a real password');
    await slow.verify(real, 'warm-up');

    const [realMs, dummyMs] = await pairedMedianMs(
      9,
      () => slow.verify(real, 'a wrong password'),
      () => slow.verifyDummy('a wrong password'),
    );

    expect(dummyMs).toBeGreaterThan(3);
    expect(dummyMs).toBeLessThan(realMs * 3);
    expect(realMs).toBeLessThan(dummyMs * 3);
  });

  describe('needsRehash', () => {
    it('is false for a hash made with the current parameters', () => {
      expect(hasher.needsRehash(stored)).toBe(false);
    });

    it('is false for a hash stronger than required', async () => {
      const stronger = await hash('pw', { algorithm: ARGON2ID, memoryCost: 32_768, timeCost: 3, parallelism: 2 });
      expect(hasher.needsRehash(stronger)).toBe(false);
    });

    it.each([
      ['less memory', { memoryCost: 8_192, timeCost: 2, parallelism: 2 }],
      ['fewer passes', { memoryCost: 16_384, timeCost: 1, parallelism: 2 }],
      ['less parallelism', { memoryCost: 16_384, timeCost: 2, parallelism: 1 }],
    ])('is true for a hash with %s', async (_label, options) => {
      const weaker = await hash('pw', { algorithm: ARGON2ID, ...options });
      expect(parseOptions(weaker).algorithm).toBe(ARGON2ID);
      expect(hasher.needsRehash(weaker)).toBe(true);
    });

    it.each([
      ['argon2i', ARGON2I, /^\$argon2i\$/],
      ['argon2d', ARGON2D, /^\$argon2d\$/],
    ])('is true for an %s hash, even with strong parameters', async (_label, algorithm, prefix) => {
      const other = await hash('pw', { algorithm, memoryCost: 32_768, timeCost: 3, parallelism: 2 });
      expect(other).toMatch(prefix);
      expect(hasher.needsRehash(other)).toBe(true);
    });

    it.each(['', 'garbage', '$2b$10$abcdefghijklmnopqrstuv'])('is true for a value that is not argon2: %p', (value) => {
      expect(hasher.needsRehash(value)).toBe(true);
    });
  });
});

describe('PasswordHasher metrics: auth_password_hash_duration_seconds{operation}', () => {
  const countLine = (operation: string, count: number) =>
    `auth_password_hash_duration_seconds_count{operation="${operation}"} ${count}`;

  it('times hash, verify and verify_dummy each under its own operation, and nothing else', async () => {
    const registry = new Registry();
    const hasher = hasherWith(8_192, 1, 1, registry);
    await hasher.onModuleInit();
    expect(await registry.metrics()).not.toContain('operation='); // the dummy hash is no one's password

    const stored = await hasher.hash('correct horse battery staple');
    await hasher.verify(stored, 'correct horse battery staple');
    await hasher.verify(stored, 'wrong');
    await hasher.verify('not-a-hash', 'wrong');
    await hasher.verifyDummy('wrong');
    const text = await registry.metrics();

    expect(text).toContain(countLine('hash', 1));
    expect(text).toContain(countLine('verify', 3));
    expect(text).toContain(countLine('verify_dummy', 1));
  });

  it('has buckets from 5 ms to 200 ms and beyond, and records the real duration', async () => {
    const registry = new Registry();
    await hasherWith(8_192, 1, 1, registry).hash('correct horse battery staple');
    const text = await registry.metrics();
    const sum = /^auth_password_hash_duration_seconds_sum\{operation="hash"\} (\S+)$/m.exec(text)?.[1];

    for (const le of ['0.005', '0.01', '0.05', '0.1', '0.2', '0.5', '1']) {
      expect(text).toContain(`auth_password_hash_duration_seconds_bucket{le="${le}",operation="hash"}`);
    }
    expect(Number(sum)).toBeGreaterThan(0.0005);
    expect(Number(sum)).toBeLessThan(5);
  });
});
