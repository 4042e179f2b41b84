import type { AddressInfo } from 'node:net';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ScrapeServer } from '@nestjs-microservices/runtime';
import { Registry } from 'prom-client';
import { AuthConfig } from '../config/auth-config';
import { ServingStatus } from '../health/serving-status';
import { OutboxStatus } from '../mail/outbox-status';

/**
 * The auth service speaks TCP or NATS, not HTTP, so Prometheus scrapes it on a small HTTP server of its own
 * (AUTH_METRICS_HOST:AUTH_METRICS_PORT, loopback by default): `GET /metrics`, and the probes an orchestrator
 * needs — `GET /health/live` (the process answers) and `GET /health/ready` (it takes requests, its database
 * answers and it is not shutting down: see `ServingStatus`; its body also reports the mail outbox, see `OutboxStatus`)
 * — 404 for anything else. Started with the application and closed by `app.close()`;
 * AUTH_METRICS_PORT=0 turns it off.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly server: ScrapeServer;

  constructor(
    registry: Registry,
    private readonly config: AuthConfig,
    serving: ServingStatus,
    outbox: OutboxStatus,
  ) {
    this.server = new ScrapeServer(registry, async (path) => {
      if (path === '/health/live') return { status: 200, body: { status: 'ok', transport: serving.transport } };
      if (path !== '/health/ready') return undefined;
      const { ready, body } = await serving.readiness();
      // A stuck mail outbox is reported (mail.status "stuck") but does not make the instance unready: see OutboxStatus.
      return { status: ready ? 200 : 503, body: { ...body, mail: outbox.current } };
    });
  }

  /** Where it listens; undefined while it does not. */
  address(): AddressInfo | undefined {
    return this.server.address();
  }

  async onApplicationBootstrap(): Promise<void> {
    const { host, port } = this.config.metrics;
    if (port === 0) return;
    await this.server.listen(host, port, 'AUTH_METRICS_HOST/AUTH_METRICS_PORT');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server.close();
  }
}
