import { randomBytes } from 'node:crypto';
import { type Algorithm, hash } from '@node-rs/argon2';
import type { Measurement } from './load';
import { argon2Parameters } from './system';

// `Algorithm` is an ambient const enum: spelled as a number, as in the auth service's PasswordHasher.
const ARGON2ID = 2 as Algorithm;

/** The value at quantile q (0–1) of ascending `sorted`; 0 for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

/**
 * Baseline B: argon2id alone, in this process, with the auth service's ARGON2_* parameters: `concurrency` loops
 * each hashing a fresh password as soon as the previous hash is done, for `durationS` seconds. Hashes run on libuv's
 * thread pool exactly as in the auth service, so hashes/s is the ceiling for any route that hashes once.
 */
export async function measureHashing(concurrency: number, durationS: number): Promise<Measurement> {
  const env = argon2Parameters();
  const options = {
    algorithm: ARGON2ID,
    memoryCost: Number(env['ARGON2_MEMORY_KIB']),
    timeCost: Number(env['ARGON2_TIME_COST']),
    parallelism: Number(env['ARGON2_PARALLELISM']),
  };
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationS * 1_000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const begin = performance.now();
      try {
        await hash(randomBytes(16).toString('base64url'), options);
        latencies.push(performance.now() - begin);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedS = (performance.now() - started) / 1_000;
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((sum, ms) => sum + ms, 0) / (latencies.length || 1);
  return {
    rps: latencies.length / elapsedS,
    total: latencies.length,
    durationS: elapsedS,
    connections: concurrency,
    latency: {
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
      mean,
    },
    errors: { non2xx: 0, errors, timeouts: 0, total: errors },
    statusCodes: {},
  };
}
