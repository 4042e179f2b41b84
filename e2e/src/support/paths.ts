import { join, resolve } from 'node:path';

/** The workspace root (`/work/main`): this file is `e2e/src/support/paths.ts`. */
export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..');
export const AUTH_MAIN = join(WORKSPACE_ROOT, 'dist', 'apps', 'auth-microservice', 'main.js');
export const GATEWAY_MAIN = join(WORKSPACE_ROOT, 'dist', 'apps', 'api-gateway', 'main.js');
export const EXAMPLE_MAIN = join(WORKSPACE_ROOT, 'dist', 'apps', 'example-service', 'main.js');
/** `npx nx build nest-auth`: the package as it is published. */
export const NEST_AUTH_DIST = join(WORKSPACE_ROOT, 'dist', 'libs', 'nest-auth');
/** Process output: `<suite>-<name>-<n>.log`. */
export const LOG_DIR = join(WORKSPACE_ROOT, 'tmp', 'e2e-logs');
/** One empty file per live child process: `<jest process pid>-<child pid>`. */
export const PID_DIR = join(WORKSPACE_ROOT, 'tmp', 'e2e-pids');
