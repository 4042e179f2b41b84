import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './env';

const optionalPath = z.string().trim().min(1).optional();

/**
 * Mutual TLS on the gateway ↔ auth service link. In each process: its own certificate and key, and
 * the CA that signed the other side's certificate. All three or none.
 */
export const mutualTlsEnvShape = {
  AUTH_TLS_CA: optionalPath.describe(
    "mutual TLS on the gateway ↔ auth service link (all three `AUTH_TLS_*` files or none): the CA file that signed the other side's certificate",
  ),
  AUTH_TLS_CERT: optionalPath.describe("mutual TLS: this process's certificate file"),
  AUTH_TLS_KEY: optionalPath.describe("mutual TLS: this process's private key file"),
};

type MutualTlsEnv = { [K in keyof typeof mutualTlsEnvShape]?: string };

export interface MutualTlsFiles {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Reads the three files at start-up, so a wrong path stops the process with the variable named. */
export function readMutualTls(env: MutualTlsEnv): MutualTlsFiles | undefined {
  const names = Object.keys(mutualTlsEnvShape) as Array<keyof MutualTlsEnv>;
  const missing = names.filter((name) => !env[name]);
  if (missing.length === names.length) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration: ${missing.join(', ')}: required when any of ${names.join(', ')} is set (mutual TLS)`,
    );
  }
  const read = (name: keyof MutualTlsEnv): Buffer => {
    const path = env[name] ?? '';
    try {
      return readFileSync(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Invalid configuration: ${name}: cannot read ${path} (${reason})`);
    }
  };
  return { ca: read('AUTH_TLS_CA'), cert: read('AUTH_TLS_CERT'), key: read('AUTH_TLS_KEY') };
}
