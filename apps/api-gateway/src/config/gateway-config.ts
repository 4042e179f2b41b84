import {
  baseEnvSchema,
  host,
  integer,
  type MutualTlsFiles,
  mutualTlsEnvShape,
  port,
  readMutualTls,
} from '@nestjs-microservices/runtime';
import type { z } from 'zod';

export const gatewayEnvSchema = baseEnvSchema.extend({
  HOST: host('0.0.0.0'),
  PORT: port(3000),
  AUTH_TCP_HOST: host('127.0.0.1'),
  AUTH_TCP_PORT: port(3001),
  AUTH_RPC_TIMEOUT_MS: integer(5_000, 100, 60_000),
  ...mutualTlsEnvShape,
  // The readiness check's call to the auth service: short, so a frozen service fails the check quickly.
  HEALTH_TIMEOUT_MS: integer(1_000, 100, 10_000),
  HTTP_BODY_LIMIT_BYTES: integer(16_384, 1_024, 1_048_576),
});

export type GatewayEnv = z.output<typeof gatewayEnvSchema>;

/** The gateway's settings, validated once at start-up and injected by class. */
export class GatewayConfig {
  readonly nodeEnv: GatewayEnv['NODE_ENV'];
  readonly logLevel: GatewayEnv['LOG_LEVEL'];
  readonly shutdownTimeoutMs: number;
  readonly http: { host: string; port: number; bodyLimitBytes: number };
  /** `tls`: the gateway's client certificate and key, and the CA the auth service's certificate must chain to. */
  readonly auth: { host: string; port: number; timeoutMs: number; tls?: MutualTlsFiles };
  readonly health: { timeoutMs: number };

  constructor(env: GatewayEnv) {
    this.nodeEnv = env.NODE_ENV;
    this.logLevel = env.LOG_LEVEL;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.http = { host: env.HOST, port: env.PORT, bodyLimitBytes: env.HTTP_BODY_LIMIT_BYTES };
    this.auth = {
      host: env.AUTH_TCP_HOST,
      port: env.AUTH_TCP_PORT,
      timeoutMs: env.AUTH_RPC_TIMEOUT_MS,
      tls: readMutualTls(env),
    };
    this.health = { timeoutMs: env.HEALTH_TIMEOUT_MS };
  }
}
