import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { AUTH_SERVICE } from '@nestjs-microservices/shared';
import { GatewayConfig } from '../config/gateway-config';
import { AuthClient } from './auth.client';

/** The connection to the auth service and `AuthClient`, the only way the gateway talks to it. */
@Module({
  imports: [
    ClientsModule.registerAsync([
      {
        name: AUTH_SERVICE,
        inject: [GatewayConfig],
        useFactory: (config: GatewayConfig) => ({
          transport: Transport.TCP,
          options: {
            host: config.auth.host,
            port: config.auth.port,
            ...(config.auth.tls && { tlsOptions: { ...config.auth.tls, minVersion: 'TLSv1.3' as const } }),
          },
        }),
      },
    ]),
  ],
  providers: [AuthClient],
  exports: [AuthClient],
})
export class AuthClientModule {}
