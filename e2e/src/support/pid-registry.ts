import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PID_DIR } from './paths';

/**
 * A record on disk of every app process the suites started and have not seen exit yet. Jest's
 * global teardown kills whatever is still listed, so no process outlives the run even if a suite
 * fails to clean up (a `process.on('exit')` hook cannot do this: inside Jest's sandbox it never fires).
 */
function entry(childPid: number): string {
  return join(PID_DIR, `${process.pid}-${childPid}`);
}

export function registerChild(childPid: number): void {
  mkdirSync(PID_DIR, { recursive: true });
  writeFileSync(entry(childPid), '');
}

export function unregisterChild(childPid: number): void {
  rmSync(entry(childPid), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` still runs one of the apps or a suite's own nats-server (not a recycled pid); true where /proc is missing. */
function runsAnApp(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('dist/apps/') || cmdline.includes('nats-server');
  } catch {
    return process.platform !== 'linux';
  }
}

/**
 * Kills (SIGKILL) every registered child of this Jest process or of a Jest process that no longer
 * exists, and forgets them. Returns a description of each process it had to kill.
 */
export function reapLeftoverChildren(): string[] {
  let names: string[];
  try {
    names = readdirSync(PID_DIR);
  } catch {
    return [];
  }
  const killed: string[] = [];
  for (const name of names) {
    const match = /^(\d+)-(\d+)$/.exec(name);
    if (!match) continue;
    const runner = Number(match[1]);
    const child = Number(match[2]);
    if (runner !== process.pid && isAlive(runner)) continue; // another test run, still going
    if (isAlive(child) && runsAnApp(child)) {
      try {
        process.kill(child, 'SIGKILL');
        killed.push(`pid ${child} (started by jest pid ${runner})`);
      } catch {
        // exited meanwhile
      }
    }
    rmSync(join(PID_DIR, name), { force: true });
  }
  return killed;
}
