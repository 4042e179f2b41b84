import { Global, Module } from '@nestjs/common';
import { createMetricsRegistry, ShutdownState } from '@nestjs-microservices/runtime';
import { Registry } from 'prom-client';
import { ServingStatus } from '../health/serving-status';
import { OutboxStatus } from '../mail/outbox-status';
import { AccountMetrics } from './account.metrics';
import { DatabaseMetrics } from './database.metrics';
import { MetricsServer } from './metrics-server.service';
import { PasswordHashMetrics } from './password-hash.metrics';
import { RpcServerMetrics } from './rpc-server.metrics';

/**
 * The auth service's metrics, defined here and nowhere else: one registry (with the process's
 * standard series and `service="auth"`), the metric holders that record into it, and the HTTP
 * server that serves it (with the liveness and readiness probes). Global, so any feature module can
 * inject a metric holder.
 */
@Global()
@Module({
  providers: [
    { provide: Registry, useFactory: () => createMetricsRegistry('auth') },
    RpcServerMetrics,
    AccountMetrics,
    PasswordHashMetrics,
    DatabaseMetrics,
    MetricsServer,
    ServingStatus,
    ShutdownState,
    OutboxStatus,
  ],
  exports: [
    Registry,
    RpcServerMetrics,
    AccountMetrics,
    PasswordHashMetrics,
    DatabaseMetrics,
    ServingStatus,
    ShutdownState,
    OutboxStatus,
  ],
})
export class MetricsModule {}
