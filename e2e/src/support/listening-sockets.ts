import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

interface ListeningSocket {
  /** As /proc prints it: hex, each 32-bit word in host byte order. */
  address: string;
  inode: string;
}

/** Linux only: the TCP sockets listening on `port`, from /proc/net/tcp{,6}; `undefined` where /proc cannot answer. */
function listeningSockets(port: number): ListeningSocket[] | undefined {
  const sockets: ListeningSocket[] = [];
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
      if (columns.length < 10 || columns[3] !== '0A') continue;
      const [address = '', localPort] = columns[1].split(':');
      if (parseInt(localPort ?? '', 16) === port) sockets.push({ address, inode: columns[9] });
    }
  }
  return readable ? sockets : undefined;
}

/**
 * Linux only: whether process `pid` holds a socket listening on TCP `port`. Guards the readiness
 * probes against a false "ready" when some other process already listens on the port (the app
 * itself would then fail with EADDRINUSE a moment later). Returns `undefined` where /proc cannot
 * answer, so callers can fall back to trusting the probe.
 */
export function ownsListeningPort(pid: number, port: number): boolean | undefined {
  const sockets = listeningSockets(port);
  if (!sockets) return undefined;
  const inodes = new Set(sockets.map((socket) => socket.inode));
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

/** `0100007F` → `127.0.0.1`; a 32-digit IPv6 address → its eight groups, unabbreviated. */
function decodeProcAddress(hex: string): string {
  // /proc prints each 32-bit word in host byte order (little-endian on the machines we run on).
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse());
  if (bytes.length === 4) return bytes.map((byte) => parseInt(byte, 16)).join('.');
  return (bytes.join('').match(/.{4}/g) ?? []).join(':');
}

/**
 * Linux only: the local addresses of the TCP sockets listening on `port` (`127.0.0.1`, `0.0.0.0`,
 * or an unabbreviated IPv6 address such as `0000:…:0000` for `::`), or `undefined` where /proc
 * cannot answer. Tells a service bound to loopback from one reachable from the network.
 */
export function listeningAddresses(port: number): string[] | undefined {
  return listeningSockets(port)?.map((socket) => decodeProcAddress(socket.address));
}
