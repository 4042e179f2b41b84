import { randomBytes } from 'node:crypto';
import { getFreePort } from './ports';

/**
 * How the suites' gateways reach their auth services. TCP by default; `TEST_TRANSPORT=nats` runs every suite
 * over NATS (`TEST_NATS_URL`, default nats://127.0.0.1:4222), except the suites about the TCP port itself.
 */
export type TransportKind = 'tcp' | 'nats';

export const TEST_TRANSPORT_VARIABLE = 'TEST_TRANSPORT';
export const TEST_NATS_URL_VARIABLE = 'TEST_NATS_URL';

export function testTransport(): TransportKind {
  const value = process.env[TEST_TRANSPORT_VARIABLE]?.trim() || 'tcp';
  if (value !== 'tcp' && value !== 'nats')
    throw new Error(`${TEST_TRANSPORT_VARIABLE} must be tcp or nats, not ${value}`);
  return value;
}

export function testNatsUrl(): string {
  return process.env[TEST_NATS_URL_VARIABLE]?.trim() || 'nats://127.0.0.1:4222';
}

/** One gateway ↔ auth link: a TCP port, or a subject prefix of its own on the NATS server (so runs never mix). */
export type AuthLink =
  | { readonly transport: 'tcp'; readonly port: number }
  | { readonly transport: 'nats'; readonly url: string; readonly subjectPrefix: string };

export async function newAuthLink(transport: TransportKind = testTransport(), host = '127.0.0.1'): Promise<AuthLink> {
  if (transport === 'nats') {
    return { transport, url: testNatsUrl(), subjectPrefix: `e2e_${randomBytes(6).toString('hex')}` };
  }
  return { transport, port: await getFreePort(host) };
}

/** The variables that point a gateway or an auth service at `link` (both sides use the same names). */
export function linkEnvironment(link: AuthLink, host = '127.0.0.1'): Record<string, string> {
  if (link.transport === 'nats') {
    return { TRANSPORT: 'nats', NATS_URL: link.url, NATS_SUBJECT_PREFIX: link.subjectPrefix };
  }
  return { TRANSPORT: 'tcp', AUTH_TCP_HOST: host, AUTH_TCP_PORT: String(link.port) };
}

/** The TCP port of a TCP link; a suite that talks raw TCP to the auth service must run on TCP. */
export function tcpPortOf(link: AuthLink): number {
  if (link.transport !== 'tcp') throw new Error('This needs the TCP transport (start the system with transport: tcp)');
  return link.port;
}
