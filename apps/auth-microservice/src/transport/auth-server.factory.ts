import { hostname } from 'node:os';
import { describeNats } from '@nestjs-microservices/runtime';
import type { AuthConfig } from '../config/auth-config';
import { AuthNatsServer } from './auth-nats-server';
import { AuthTcpServer } from './auth-tcp-server';
import type { InternalPortExposure } from './internal-port';

export interface AuthServer {
  strategy: AuthTcpServer | AuthNatsServer;
  /** For the start-up banner: where requests come from (no credentials). */
  description: string;
  /** Listening on a network address anyone may reach, without TLS: worth a loud warning. */
  exposedWithoutTls: boolean;
  /** Sends an event to every subscriber (every gateway), where the transport can (NATS); TCP cannot. */
  publishEvent?: (pattern: string, data: unknown) => void;
}

/**
 * The one place the auth service's transport is chosen (TRANSPORT); the handlers are the same on each. `exposure`
 * (from `assessInternalPort`) says whether callers' claimed client IPs are believed.
 */
export function createAuthServer(
  config: AuthConfig,
  exposure: Pick<InternalPortExposure, 'loopbackBind' | 'trustsClaimedClientIp'>,
): AuthServer {
  const { host, port, maxFrameBytes, incompleteMessageTimeoutMs, maxConnections, idleTimeoutMs, tls, allowedClients } =
    config.tcp;
  const { trustsClaimedClientIp } = exposure;
  if (config.nats) {
    const strategy = new AuthNatsServer({
      nats: config.nats,
      queue: config.nats.queue,
      maxPayloadBytes: maxFrameBytes,
      connectionName: `auth-microservice@${hostname()}:${process.pid}`,
    });
    return {
      strategy,
      description: `${describeNats(config.nats)}, queue group ${config.nats.queue}`,
      exposedWithoutTls: false,
      publishEvent: (pattern, data) => strategy.publishEvent(pattern, data),
    };
  }
  return {
    strategy: new AuthTcpServer({
      host,
      port,
      maxFrameLength: maxFrameBytes,
      incompleteMessageTimeoutMs,
      maxSendBufferBytes: 4 * maxFrameBytes,
      maxConnections,
      idleTimeoutMs,
      tls,
      allowedClients,
      trustsClaimedClientIp,
    }),
    description: `tcp://${host}:${port} (NestJS TCP transport${tls ? ', mutual TLS' : ''})`,
    exposedWithoutTls: !tls && !exposure.loopbackBind,
  };
}
