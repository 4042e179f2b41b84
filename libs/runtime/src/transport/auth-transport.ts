import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'nats';
import { z } from 'zod';
import { ConfigError } from '../env';
import { list } from '../env-schema';

/** How the gateway and the auth service reach each other: one TCP link, or a NATS queue group. */
export const AUTH_TRANSPORTS = ['tcp', 'nats'] as const;
export type AuthTransportKind = (typeof AUTH_TRANSPORTS)[number];

const natsServerUrl = z
  .string()
  .refine((value) => /^(nats|tls):\/\/[^\s/]+$/.test(value), 'must be nats://host:port URLs, comma-separated');
const optionalSecret = z.string().min(1).optional();
const optionalPath = z.string().trim().min(1).optional();

/** Settings both apps read, with the same names and meaning on each side. */
export const authTransportEnvShape = {
  TRANSPORT: z
    .enum(AUTH_TRANSPORTS)
    .default('tcp')
    .describe(
      '`tcp`: one auth service at `AUTH_TCP_HOST`:`AUTH_TCP_PORT`; `nats`: any number of auth instances behind NATS (set the same on both apps)',
    ),
  NATS_URL: list(natsServerUrl, 'nats://127.0.0.1:4222')
    .refine((servers) => servers.length > 0, 'must name at least one server')
    .meta({
      description: 'NATS server(s), comma-separated (`nats://` or `tls://`), with `TRANSPORT=nats`',
      values: 'comma-separated list',
    }),
  NATS_USER: optionalSecret.describe('NATS user name; with `NATS_PASSWORD` (both or neither)'),
  NATS_PASSWORD: optionalSecret.describe('NATS password; with `NATS_USER`'),
  NATS_TOKEN: optionalSecret.describe('NATS token, instead of `NATS_USER`/`NATS_PASSWORD`'),
  NATS_TLS_CA: optionalPath.describe('TLS to NATS: the CA file its server certificate must chain to'),
  NATS_TLS_CERT: optionalPath.describe(
    'TLS to NATS: a client certificate file, if the server asks for one (with `NATS_TLS_KEY`: both or neither)',
  ),
  NATS_TLS_KEY: optionalPath.describe("TLS to NATS: the client certificate's key file (with `NATS_TLS_CERT`)"),
  NATS_SUBJECT_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]*$/, 'must be letters, digits, "-" or "_" (no dots, spaces or wildcards)')
    .default('')
    .describe(
      'subjects become `<prefix>.auth.login`…, so several deployments (or test runs) can share one NATS server; letters, digits, `-`, `_`',
    ),
};

type AuthTransportEnv = z.output<z.ZodObject<typeof authTransportEnvShape>>;

export interface NatsSettings {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
  tls?: { ca?: string; cert?: string; key?: string };
  subjectPrefix: string;
}

/** NATS settings when TRANSPORT=nats; undefined for TCP. Reads the TLS files now, so a bad path stops start-up. */
export function readNatsSettings(env: AuthTransportEnv): NatsSettings | undefined {
  if (env.TRANSPORT !== 'nats') return undefined;
  if (Boolean(env.NATS_USER) !== Boolean(env.NATS_PASSWORD)) {
    throw new ConfigError('Invalid configuration: NATS_USER, NATS_PASSWORD: set both or neither');
  }
  if (env.NATS_TOKEN && env.NATS_USER) {
    throw new ConfigError('Invalid configuration: NATS_TOKEN: use either a token or NATS_USER/NATS_PASSWORD');
  }
  if (Boolean(env.NATS_TLS_CERT) !== Boolean(env.NATS_TLS_KEY)) {
    throw new ConfigError('Invalid configuration: NATS_TLS_CERT, NATS_TLS_KEY: set both or neither');
  }
  const read = (name: 'NATS_TLS_CA' | 'NATS_TLS_CERT' | 'NATS_TLS_KEY'): string | undefined => {
    const path = env[name];
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Invalid configuration: ${name}: cannot read ${path} (${reason})`);
    }
  };
  const tls = { ca: read('NATS_TLS_CA'), cert: read('NATS_TLS_CERT'), key: read('NATS_TLS_KEY') };
  return {
    servers: env.NATS_URL,
    ...(env.NATS_USER && { user: env.NATS_USER, pass: env.NATS_PASSWORD }),
    ...(env.NATS_TOKEN && { token: env.NATS_TOKEN }),
    ...((tls.ca ?? tls.cert) !== undefined && { tls }),
    subjectPrefix: env.NATS_SUBJECT_PREFIX,
  };
}

/** The NATS subject a message pattern travels on. */
export function natsSubject(settings: Pick<NatsSettings, 'subjectPrefix'>, pattern: string): string {
  return settings.subjectPrefix ? `${settings.subjectPrefix}.${pattern}` : pattern;
}

/**
 * Options for `nats.connect`: never give up reconnecting (a NATS restart must not need ours too), and
 * notice a dead server within seconds rather than minutes.
 */
export function natsConnectOptions(settings: NatsSettings, name: string): ConnectionOptions {
  return {
    servers: settings.servers,
    name,
    ...(settings.user !== undefined && { user: settings.user, pass: settings.pass }),
    ...(settings.token !== undefined && { token: settings.token }),
    ...(settings.tls && { tls: settings.tls }),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    pingInterval: 5_000,
    maxPingOut: 2,
  };
}

/** Where a process's transport points, for its start-up banner (no credentials). */
export function describeNats(settings: NatsSettings): string {
  const servers = settings.servers.map((server) => server.replace(/\/\/[^@/]*@/, '//')).join(',');
  const prefix = settings.subjectPrefix ? `, subjects ${settings.subjectPrefix}.*` : '';
  return `${servers} (NATS${settings.tls ? ', TLS' : ''}${prefix})`;
}
