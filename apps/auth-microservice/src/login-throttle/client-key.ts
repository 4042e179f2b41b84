import { isIPv4, isIPv6 } from 'node:net';

/** A client the gateway could not name is one client: it never escapes its own counter. */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The client a throttle counter belongs to: an IPv4 address, or the /64 of an IPv6 address (one subscriber line or
 * host usually holds a whole /64, so counting its addresses one by one would give an attacker 2^64 fresh clients).
 * An IPv4-mapped IPv6 address is its IPv4 address. Anything else (no address, not an IP) is kept as it came.
 */
export function clientKey(clientIp: string | undefined): string {
  if (clientIp === undefined || clientIp === '') return UNKNOWN_CLIENT;
  const address = clientIp.replace(/%.*$/, '');
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return clientIp;
  const groups = ipv6Groups(address);
  if (isIPv4Mapped(groups)) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined): number[] =>
    part ? part.split(':').map((group) => Number.parseInt(group, 16)) : [];
  const first = parse(head);
  const last = parse(tail);
  const zeros = tail === undefined ? [] : Array<number>(8 - first.length - last.length).fill(0);
  return [...first, ...zeros, ...last];
}

function isIPv4Mapped(groups: number[]): boolean {
  return groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
}
