import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Linux only: whether process `pid` holds a socket listening on TCP `port`. Guards the readiness
 * probes against a false "ready" when some other process already listens on the port (the app
 * itself would then fail with EADDRINUSE a moment later). Returns `undefined` where /proc cannot
 * answer, so callers can fall back to trusting the probe.
 */
export function ownsListeningPort(pid: number, port: number): boolean | undefined {
  const inodes = new Set<string>();
  let readable = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let content: string;
    try {
      content = readFileSync(table, 'utf8');
      readable = true;
    } catch {
      continue;
    }
    for (const line of content.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      if (columns.length < 10) continue;
      const localPort = parseInt(columns[1].split(':')[1] ?? '', 16);
      const state = columns[3];
      if (localPort === port && state === '0A') inodes.add(columns[9]);
    }
  }
  if (!readable) return undefined;
  if (inodes.size === 0) return false;
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match && inodes.has(match[1])) return true;
    } catch {
      // fd closed meanwhile
    }
  }
  return false;
}
