import type { AddressInfo } from 'node:net';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ScrapeServer } from '@nestjs-microservices/runtime';
import { Registry } from 'prom-client';
import { GatewayConfig } from '../config/gateway-config';

/**
 * With METRICS_PORT set, `GET /metrics` is served here (METRICS_HOST:METRICS_PORT, loopback by default) instead of on
 * the public HTTP port, so Prometheus can scrape it without the internet seeing it. Started with the application,
 * closed by `app.close()`.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: ScrapeServer;

  constructor(
    registry: Registry,
    private readonly config: GatewayConfig,
  ) {
    this.server = new ScrapeServer(registry);
  }

  /** Where it listens; undefined while it does not. */
  address(): AddressInfo | undefined {
    return this.server.address();
  }

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, host, port } = this.config.metrics;
    if (!enabled || port === undefined) return;
    await this.server.listen(host, port, 'METRICS_HOST/METRICS_PORT');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
