import { existsSync } from 'node:fs';
import type { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads `.env` from the working directory when there is one (variables already set win), then
 * validates the environment against `schema`. Throws a `ConfigError` naming every bad variable.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
  envFile = '.env',
): z.output<S> {
  if (env === process.env && envFile && existsSync(envFile)) {
    process.loadEnvFile(envFile);
  }
  const result = schema.safeParse(env);
  if (result.success) {
    return result.data;
  }
  // The variable's name alone (a list's item index would only confuse the person fixing it).
  const problems = result.error.issues.map((issue) => `${String(issue.path[0] ?? '(root)')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

/**
 * For `main.ts`: validates the environment and builds the typed config (which may read files it
 * names, such as certificates). A bad setting prints one line naming it and exits 1, not a stack trace.
 */
export function loadConfigOrExit<S extends z.ZodType, C>(schema: S, build: (env: z.output<S>) => C): C {
  try {
    return build(loadConfig(schema));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
