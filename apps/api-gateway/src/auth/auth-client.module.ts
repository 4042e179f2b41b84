import { hostname } from 'node:os';
import { Module, type Type } from '@nestjs/common';
import { type ClientProvider, type ClientProxy, ClientsModule, Transport } from '@nestjs/microservices';
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

/** The connection to the auth service and `AuthClient`, the only way the gateway talks to it. */
@Module({
  imports: [
    ClientsModule.registerAsync([{ name: AUTH_SERVICE, inject: [GatewayConfig], useFactory: authClientOptions }]),
  ],
  providers: [AuthClient],
  exports: [AuthClient],
})
export class AuthClientModule {}
