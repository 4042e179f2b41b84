import { type ChildProcess, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ownsListeningPort } from './listening-sockets';
import { LOG_DIR } from './paths';
import { registerChild, unregisterChild } from './pid-registry';
import { describeError, sleep } from './util';

export { AUTH_MAIN, EXAMPLE_MAIN, GATEWAY_MAIN, LOG_DIR, WORKSPACE_ROOT } from './paths';

export const READY_TIMEOUT_MS = 20_000;
export const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 40;

/** `warn` keeps the logs short; set E2E_LOG_LEVEL=debug (or log, verbose) to see more. */
export const APP_LOG_LEVEL = process.env['E2E_LOG_LEVEL']?.trim() || 'warn';

/**
 * Variables of the developer's shell that would change how the apps behave. They are removed from
 * the inherited environment; the suites set what they need explicitly.
 */
const SCRUBBED_VARIABLES = new Set([
  'NODE_ENV',
  'LOG_LEVEL',
  'HOST',
  'PORT',
  'HTTP_BODY_LIMIT_BYTES',
  'HTTP_REQUEST_TIMEOUT_MS',
  'TRUSTED_PROXIES',
  'CORS_ORIGINS',
  'SHUTDOWN_TIMEOUT_MS',
  'TEST_DATABASE_URL',
  'E2E_LOG_LEVEL',
]);
const SCRUBBED_PREFIXES = [
  'AUTH_',
  'DATABASE_',
  'ARGON2_',
  'HEALTH_',
  'RATE_LIMIT_',
  'LOGIN_',
  // Token sessions: lifetimes, issuer/audience, signing keys, revocation sync.
  'TOKEN_',
  'ACCESS_TOKEN_',
  'REFRESH_TOKEN_',
  'SIGNING_KEY',
  'REVOCATION_',
  'JWKS_',
  // Scale-out: transport and shared state.
  'TRANSPORT',
  'NATS_',
  'REDIS_',
];

export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (SCRUBBED_VARIABLES.has(key) || SCRUBBED_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      continue;
    }
    env[key] = value;
  }
  return { ...env, ...overrides };
}

const logCounters = new Map<string, number>();

function nextLogFile(suite: string, name: string): string {
  const key = `${suite}-${name}`;
  const n = (logCounters.get(key) ?? 0) + 1;
  logCounters.set(key, n);
  return join(LOG_DIR, `${key}-${n}.log`);
}

/**
 * The log files of `suite` (every process and restart: `<suite>-<name>-<n>.log`) written since `sinceMs`
 * (epoch ms), so files of an earlier run with the same names are left out.
 */
export function suiteLogFiles(suite: string, sinceMs: number): string[] {
  if (!existsSync(LOG_DIR)) return [];
  return readdirSync(LOG_DIR)
    .filter((name) => name.startsWith(`${suite}-`) && name.endsWith('.log'))
    .map((name) => join(LOG_DIR, name))
    .filter((file) => statSync(file).mtimeMs >= sinceMs);
}

export function tailFile(file: string, lines = LOG_TAIL_LINES): string {
  try {
    const content = readFileSync(file, 'utf8').trimEnd();
    if (!content) return '(log is empty)';
    return content.split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(could not read ${file}: ${describeError(error)})`;
  }
}

/** How a process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Decides when a freshly started process is ready; throws (or returns false) while it is not. */
export type ReadinessProbe = () => Promise<boolean>;

/** What tells a started process is ready: a probe, and the port the process itself must listen on. */
export interface Readiness {
  probe: ReadinessProbe;
  /** When set, the probe only counts once this process (not another one) listens on the port. */
  port?: number;
}

export interface AppProcessOptions {
  /** Suite name, used in log file names. */
  suite: string;
  /** Short name of this process (`auth`, `gateway`), used in log file names and errors. */
  name: string;
  /** Absolute path of the script run with `node` (or of the program itself, with `executable`). */
  script: string;
  /** `script` is a program of its own (e.g. a `nats-server` a suite runs), not a script for `node`. */
  executable?: boolean;
  /** Arguments after the script. */
  args?: readonly string[];
  /** Working directory (the suite's temp directory, so no `.env` of the repository is read). */
  cwd: string;
  /** Variables set on top of the scrubbed inherited environment. */
  env: Record<string, string>;
  ready: Readiness;
  readyTimeoutMs?: number;
}

/** Starts and stops one app as a child process: `node <script>`, output in a log file. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<ExitInfo> | undefined;
  private exitInfo: ExitInfo | undefined;
  private paused = false;
  private currentLogFile = '';

  constructor(private readonly options: AppProcessOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The log file of the current (or last) run. */
  get logFile(): string {
    return this.currentLogFile;
  }

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) {
      throw new Error(`${this.describe()} has no pid (never started?)`);
    }
    return pid;
  }

  /** The environment overrides this process is started with (restart reuses them). */
  get env(): Readonly<Record<string, string>> {
    return this.options.env;
  }

  /** True between `pause()` and `resume()` (or the end of the process). */
  get isPaused(): boolean {
    return this.paused && this.isRunning();
  }

  isRunning(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  /** How the last run ended, or undefined while it runs. */
  get lastExit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  describe(): string {
    const pid = this.child?.pid === undefined ? '' : ` pid ${this.child.pid}`;
    return `${this.options.suite}/${this.options.name}${pid}`;
  }

  tailLog(lines = LOG_TAIL_LINES): string {
    return this.currentLogFile ? tailFile(this.currentLogFile, lines) : '(not started)';
  }

  /** Spawns the process and waits until its readiness probe passes (20 s by default). */
  async start(): Promise<void> {
    if (this.isRunning()) {
      throw new Error(`${this.describe()} is already running`);
    }
    if (!existsSync(this.options.script)) {
      throw new Error(`${this.options.script} does not exist: build the apps first (npm run build)`);
    }
    mkdirSync(LOG_DIR, { recursive: true });
    this.currentLogFile = nextLogFile(this.options.suite, this.options.name);
    const logFd = openSync(this.currentLogFile, 'w');
    let child: ChildProcess;
    try {
      const { script, executable = false, args = [] } = this.options;
      child = spawn(executable ? script : process.execPath, executable ? [...args] : [script, ...args], {
        cwd: this.options.cwd,
        env: childEnvironment(this.options.env),
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      // The child has its own copy of the descriptor.
      closeSync(logFd);
    }
    const childPid = child.pid;
    if (childPid !== undefined) registerChild(childPid);
    this.child = child;
    this.exitInfo = undefined;
    this.paused = false;
    this.exitPromise = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        if (childPid !== undefined) unregisterChild(childPid);
        const info: ExitInfo = { code, signal };
        if (this.child === child) {
          this.exitInfo = info;
        }
        resolve(info);
      });
    });
    const spawnError = new Promise<never>((_resolve, reject) => {
      child.once('error', (error) => reject(new Error(`${this.describe()} could not be spawned: ${error.message}`)));
    });
    spawnError.catch(() => undefined);
    await Promise.race([this.waitUntilReady(), spawnError]);
  }

  private async waitUntilReady(): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? READY_TIMEOUT_MS;
    const started = performance.now();
    let lastProblem = 'not probed yet';
    for (;;) {
      if (this.exitInfo) {
        throw new Error(
          `${this.describe()} exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}) before it was ready.\n` +
            `--- last lines of ${this.currentLogFile} ---\n${this.tailLog()}`,
        );
      }
      try {
        const { probe, port } = this.options.ready;
        if (await probe()) {
          const owned = port === undefined || !this.child?.pid ? undefined : ownsListeningPort(this.child.pid, port);
          if (owned !== false && !this.exitInfo) {
            return;
          }
          lastProblem = `port ${port} answers, but not from this process (is another process listening on it?)`;
        } else {
          lastProblem = 'probe answered not ready';
        }
      } catch (error) {
        lastProblem = describeError(error);
      }
      if (performance.now() - started > timeoutMs) {
        throw new Error(
          `${this.describe()} was not ready after ${timeoutMs} ms (last probe: ${lastProblem}).\n` +
            `--- last lines of ${this.currentLogFile} ---\n${this.tailLog()}`,
        );
      }
      await sleep(100);
    }
  }

  private async waitForExit(timeoutMs: number): Promise<ExitInfo | undefined> {
    if (!this.exitPromise) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.exitPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private signal(signal: NodeJS.Signals): void {
    if (!this.child || !this.isRunning()) {
      throw new Error(`${this.describe()} is not running; cannot send ${signal}`);
    }
    this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after 5 s. Resolves once the process is gone. */
  async stop(): Promise<ExitInfo | undefined> {
    if (!this.child || !this.isRunning()) return this.exitInfo;
    this.child.kill('SIGTERM');
    if (this.paused) {
      // A stopped process only acts on SIGTERM once it runs again.
      this.child.kill('SIGCONT');
      this.paused = false;
    }
    const graceful = await this.waitForExit(STOP_GRACE_MS);
    if (graceful) return graceful;
    return this.kill();
  }

  /** SIGKILL. Resolves once the process is gone. */
  async kill(): Promise<ExitInfo | undefined> {
    if (!this.child || !this.isRunning()) return this.exitInfo;
    this.child.kill('SIGKILL');
    this.paused = false;
    const info = await this.waitForExit(STOP_GRACE_MS);
    if (!info) {
      throw new Error(`${this.describe()} did not exit after SIGKILL`);
    }
    return info;
  }

  /** SIGSTOP: the process stays alive (its sockets stay open) but does nothing. */
  pause(): void {
    this.signal('SIGSTOP');
    this.paused = true;
  }

  /** SIGCONT. */
  resume(): void {
    this.signal('SIGCONT');
    this.paused = false;
  }

  /** Stops the process (if running) and starts it again with the same port, database and env. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

export interface ScriptRun extends ExitInfo {
  /** stdout and stderr, interleaved as they arrived. */
  output: string;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <script> <args…>` to completion (a command of an app, e.g. `keys:rotate`) with the same
 * scrubbed environment as the apps; its output also goes to `tmp/e2e-logs/<suite>-<name>-<n>.log`.
 * Kills it and throws after `timeoutMs`.
 */
export async function runNodeScript(options: {
  suite: string;
  name: string;
  script: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<ScriptRun> {
  if (!existsSync(options.script)) {
    throw new Error(`${options.script} does not exist: build the apps first (npm run build)`);
  }
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = nextLogFile(options.suite, options.name);
  const child = spawn(process.execPath, [options.script, ...options.args], {
    cwd: options.cwd,
    env: childEnvironment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const childPid = child.pid;
  if (childPid !== undefined) registerChild(childPid);
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    output += chunk;
  });
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const exit = await new Promise<ExitInfo>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => resolve({ code, signal }));
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`node ${options.script} ${options.args.join(' ')} did not exit within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    return { ...exit, output, stdout, stderr };
  } finally {
    clearTimeout(timer);
    if (childPid !== undefined) unregisterChild(childPid);
    writeFileSync(logFile, output);
  }
}

/** Ready when a TCP connection to host:port is accepted. */
export function tcpConnectProbe(host: string, port: number): ReadinessProbe {
  return () =>
    new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setTimeout(1_000);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      });
      socket.once('error', (error) => {
        socket.destroy();
        reject(error);
      });
    });
}

/** Ready when any HTTP response (a 404 is fine) comes back from `url`. */
/** Ready once `url` answers 2xx (e.g. a readiness endpoint that answers 503 until the process is ready). */
export function httpOkProbe(url: string): ReadinessProbe {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  };
}

export function httpResponseProbe(url: string): ReadinessProbe {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  };
}
