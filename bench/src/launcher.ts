import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The only variables the children inherit: nothing of the developer's shell (a DATABASE_URL, a LOG_LEVEL, a
 * NODE_OPTIONS) can change what is measured. UV_THREADPOOL_SIZE passes so the hash baseline and the auth service,
 * which both hash on libuv's pool, see the same pool.
 */
const INHERITED = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'UV_THREADPOOL_SIZE'];

export function childEnvironment(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...overrides };
}

/** A TCP port on 127.0.0.1 that was free a moment ago; never the same one twice in this process. */
const handedOut = new Set<number>();
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        const { port: chosen } = server.address() as AddressInfo;
        server.close(() => resolve(chosen));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** CPU seconds every core of the machine has spent busy (not idle, not waiting for I/O) since boot; Linux only. */
export function machineBusySeconds(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [, ...ticks] = line.trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = ticks;
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Every child still running, so that Ctrl-C, an exception or a plain exit never leaves one behind. */
const running = new Set<ChildProcess>();

/** SIGKILLs whatever is left (synchronous: usable in an 'exit' handler). */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export interface LaunchOptions {
  name: string;
  /** Arguments of `node` (script first, or flags then the script). */
  args: string[];
  cwd: string;
  env: Record<string, string>;
  logFile: string;
}

/** One child process (`node …`), output to a log file. */
export class Managed {
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly options: LaunchOptions,
    private readonly child: ChildProcess,
  ) {
    running.add(child);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exitCode = code ?? (signal ? -1 : null);
        resolve(this.exitCode);
      });
    });
  }

  static spawn(options: LaunchOptions): Managed {
    const log = openSync(options.logFile, 'a');
    try {
      const child = spawn(process.execPath, options.args, {
        cwd: options.cwd,
        env: childEnvironment(options.env),
        stdio: ['ignore', log, log],
      });
      child.once('error', () => undefined); // reported through 'exit' and the log
      return new Managed(options, child);
    } finally {
      closeSync(log);
    }
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.options.name} has no pid`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Polls `probe` until it answers true; throws with the log's tail if the process exits or time runs out. */
  async waitUntil(probe: () => Promise<boolean>, what: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let problem = 'not probed yet';
    while (performance.now() < deadline) {
      if (!this.running) break;
      try {
        if (await probe()) return;
        problem = 'not ready';
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      await sleep(100);
    }
    const state = this.running ? `not ${what} after ${timeoutMs} ms (${problem})` : `exited (code ${this.exitCode})`;
    throw new Error(`${this.options.name} ${state}; last lines of ${this.options.logFile}:\n${this.tail()}`);
  }

  /** Resolves with the exit code once the process has ended by itself. */
  wait(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM (the apps drain and exit; a --cpu-prof profile is written then), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** CPU time (user + system) used so far, in seconds, from /proc/<pid>/stat (Linux); undefined elsewhere. */
  cpuSeconds(): number | undefined {
    try {
      // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are 12th, 13th.
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** Resident memory in MB, from /proc/<pid>/status (Linux); undefined elsewhere. */
  rssMb(): number | undefined {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }
}

/** Runs `node <args>` to completion with the same scrubbed environment; throws with its output on failure. */
export async function runToEnd(options: LaunchOptions, timeoutMs: number): Promise<string> {
  const child = Managed.spawn(options);
  const timer = setTimeout(() => void child.stop(), timeoutMs);
  const code = await child.wait();
  clearTimeout(timer);
  const output = child.tail(1_000);
  if (code !== 0) throw new Error(`${options.name} failed (exit code ${code}):\n${child.tail()}`);
  return output;
}

/** An HTTP probe: true when `url` answers with a 2xx status. */
export function httpOk(url: string): () => Promise<boolean> {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  };
}
