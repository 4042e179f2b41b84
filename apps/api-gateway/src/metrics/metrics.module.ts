import { type DynamicModule, Global, Module } from '@nestjs/common';
import { createMetricsRegistry } from '@nestjs-microservices/runtime';
import { Registry } from 'prom-client';
import { AuthRpcMetrics } from './auth-rpc.metrics';
import { HttpMetrics } from './http.metrics';
import type { GatewayConfig } from '../config/gateway-config';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server.service';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RevocationMetrics } from './revocation.metrics';

/**
 * The gateway's metrics, defined here and nowhere else: one registry (with the process's standard
 * series and `service="gateway"`), the metric holders that record into it, and `GET /metrics` — on the public port,
 * on a port of its own (METRICS_PORT), or nowhere (METRICS_ENABLED=false; the series are still recorded).
 * Global, so any feature module can inject a metric holder without importing this module.
 */
@Global()
@Module({})
export class MetricsModule {
  static register(config: GatewayConfig): DynamicModule {
    const { enabled, port } = config.metrics;
    return {
      module: MetricsModule,
      controllers: enabled && port === undefined ? [MetricsController] : [],
      providers: [
        { provide: Registry, useFactory: () => createMetricsRegistry('gateway') },
        HttpMetrics,
        AuthRpcMetrics,
        RevocationMetrics,
        RateLimitMetrics,
        ...(enabled && port !== undefined ? [MetricsServer] : []),
      ],
      exports: [Registry, HttpMetrics, AuthRpcMetrics, RevocationMetrics, RateLimitMetrics],
    };
  }
}
