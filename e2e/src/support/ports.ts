import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports handed out by this process, so two calls in a row never return the same port. */
const handedOut = new Set<number>();

/** The lowest port we hand out: below it are well-known services' ports (databases, brokers, dev servers). */
const LOWEST = 20_000;

/**
 * The first port the kernel picks for outgoing connections and for `listen(0)`. A port chosen in that range can be
 * taken by any connection another test lane opens between our choice and the app's `listen` (an EADDRINUSE seen in
 * CI); a port below it is taken only by someone who listens on it by number.
 */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low !== undefined && Number.isInteger(low) && low > LOWEST + 1_000) return low;
  } catch {
    // Not Linux: fall back to the IANA dynamic range, where most other systems start.
  }
  return 49_152;
}

const RANGE_END = ephemeralRangeStart();

function isFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A TCP port that was free a moment ago on `host`, outside the kernel's ephemeral range (see above). */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = LOWEST + Math.floor(Math.random() * (RANGE_END - LOWEST));
    if (handedOut.has(port)) continue;
    if (await isFree(host, port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`Could not find a free port on ${host} between ${LOWEST} and ${RANGE_END}`);
}
