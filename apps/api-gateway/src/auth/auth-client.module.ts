import { hostname } from 'node:os';
import { Module, type Type } from '@nestjs/common';
import { type ClientProvider, type ClientProxy, ClientsModule, Transport } from '@nestjs/microservices';
import { describeNats } from '@nestjs-microservices/runtime';
import { AUTH_SERVICE } from '@nestjs-microservices/shared';
import { GatewayConfig } from '../config/gateway-config';
import { AuthClient } from './auth.client';
import { AuthNatsClient } from './auth-nats.client';

/** The one place the gateway's transport to the auth service is chosen (TRANSPORT); `AuthClient` is the same on each. */
export function authClientOptions(config: GatewayConfig): ClientProvider {
  if (config.nats) {
    return {
      // ClientProvider types a custom client as ClientProxy<never, string>; a NATS client's status type is narrower.
      customClass: AuthNatsClient as unknown as Type<ClientProxy>,
      options: {
        nats: config.nats,
        requestTimeoutMs: config.auth.timeoutMs + 1_000,
        connectionName: `api-gateway@${hostname()}:${process.pid}`,
      },
    };
  }
  return {
    transport: Transport.TCP,
    options: {
      host: config.auth.host,
      port: config.auth.port,
      ...(config.auth.tls && { tlsOptions: { ...config.auth.tls, minVersion: 'TLSv1.3' as const } }),
    },
  };
}

/** How this gateway reaches the auth service, for the start-up banner (no credentials). */
export function describeAuthTransport(config: GatewayConfig): string {
  if (config.nats) return `${describeNats(config.nats)}, requests to the auth service's queue group`;
  const { host, port, tls } = config.auth;
  return `tcp://${host}:${port} (NestJS TCP transport${tls ? ', mutual TLS' : ''})`;
}

/** The transport in a sentence, for the API description. */
export function authTransportPhrase(config: GatewayConfig): string {
  return config.nats
    ? "over NATS (request and reply; each request goes to one instance of the auth service's queue group)"
    : 'over the NestJS TCP transport';
}

/** The connection to the auth service and `AuthClient`, the only way the gateway talks to it. */
@Module({
  imports: [
    ClientsModule.registerAsync([{ name: AUTH_SERVICE, inject: [GatewayConfig], useFactory: authClientOptions }]),
  ],
  providers: [AuthClient],
  exports: [AuthClient],
})
export class AuthClientModule {}
