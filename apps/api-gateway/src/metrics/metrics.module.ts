import { Global, Module } from '@nestjs/common';
import { createMetricsRegistry } from '@nestjs-microservices/runtime';
import { Registry } from 'prom-client';
import { AuthRpcMetrics } from './auth-rpc.metrics';
import { HttpMetrics } from './http.metrics';
import { MetricsController } from './metrics.controller';
import { RateLimitMetrics } from './rate-limit.metrics';
import { RevocationMetrics } from './revocation.metrics';

/**
 * The gateway's metrics, defined here and nowhere else: one registry (with the process's standard
 * series and `service="gateway"`), the metric holders that record into it, and `GET /metrics`.
 * Global, so any feature module can inject a metric holder without importing this module.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: Registry, useFactory: () => createMetricsRegistry('gateway') },
    HttpMetrics,
    AuthRpcMetrics,
    RevocationMetrics,
    RateLimitMetrics,
  ],
  exports: [Registry, HttpMetrics, AuthRpcMetrics, RevocationMetrics, RateLimitMetrics],
})
export class MetricsModule {}
