import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { AuthConfig } from '../config/auth-config';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** 127.0.0.0/8 and ::1, in any spelling (`::ffff:127.0.0.2` included); false for anything that is not an address. */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  try {
    return LOOPBACK.check(address, family === 6 ? 'ipv6' : 'ipv4');
  } catch {
    return false; // e.g. a zone index (fe80::1%eth0): not loopback in any case
  }
}

export type ResolveAll = (host: string) => Promise<string[]>;

const resolveAll: ResolveAll = async (host) => (await lookup(host, { all: true })).map((entry) => entry.address);

/** Whether `host` is loopback: an address, or a name whose every address is loopback (one that does not resolve is not). */
export async function isLoopbackHost(host: string, resolve: ResolveAll = resolveAll): Promise<boolean> {
  if (isIP(host)) return isLoopbackAddress(host);
  try {
    const addresses = await resolve(host);
    return addresses.length > 0 && addresses.every(isLoopbackAddress);
  } catch {
    return false;
  }
}

/** How far the auth service's port can be reached, and so what it may believe of its callers. */
export interface InternalPortExposure {
  /** TCP bound to a loopback address only (false on NATS). */
  loopbackBind: boolean;
  /**
   * Whether the `meta.clientIp` a TCP caller sends is believed: from a caller that mutual TLS authenticated, and from
   * the only callers a loopback bind admits (local processes); otherwise its connection address counts instead.
   * Over NATS it is believed: production requires credentials there, so whoever can publish a request holds them,
   * and NATS has no connection address to fall back on (dropping the claim would put every client of a development
   * setup in one throttling bucket, where one client's failures would hold everyone back).
   */
  trustsClaimedClientIp: boolean;
  /** With NODE_ENV=production, the one-line reason the service must not start; undefined when it may. */
  refusal?: string;
}

export function natsHasCredentials(nats: NonNullable<AuthConfig['nats']>): boolean {
  return nats.user !== undefined || nats.token !== undefined || nats.tls?.cert !== undefined;
}

/** Checks the port the service is about to serve on; in production an open one is a refusal. */
export async function assessInternalPort(config: AuthConfig, resolve?: ResolveAll): Promise<InternalPortExposure> {
  const production = config.nodeEnv === 'production';
  if (config.nats) {
    return {
      loopbackBind: false,
      trustsClaimedClientIp: true,
      refusal:
        production && !natsHasCredentials(config.nats)
          ? 'Invalid configuration: TRANSPORT=nats without credentials is refused with NODE_ENV=production: ' +
            'set NATS_TOKEN, NATS_USER and NATS_PASSWORD, or NATS_TLS_CERT and NATS_TLS_KEY'
          : undefined,
    };
  }
  const { host, tls } = config.tcp;
  const loopbackBind = await isLoopbackHost(host, resolve);
  return {
    loopbackBind,
    trustsClaimedClientIp: tls !== undefined || loopbackBind,
    refusal:
      production && !tls && !loopbackBind
        ? `Invalid configuration: AUTH_TCP_HOST: ${host} is not a loopback address, and NODE_ENV=production ` +
          'refuses it without mutual TLS: set AUTH_TLS_CA, AUTH_TLS_CERT and AUTH_TLS_KEY, or bind to 127.0.0.1'
        : undefined,
  };
}
