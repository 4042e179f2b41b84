import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { GatewayConfig } from '../config/gateway-config';

/**
 * With METRICS_PORT set, `GET /metrics` is served here (METRICS_HOST:METRICS_PORT, loopback by default) instead of on
 * the public HTTP port, so Prometheus can scrape it without the internet seeing it; 404 for anything else. Started
 * with the application, closed by `app.close()`.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly config: GatewayConfig,
  ) {}

  /** Where it listens; undefined while it does not. */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, host, port } = this.config.metrics;
    if (!enabled || port === undefined) return;
    const server = createServer({ headersTimeout: 5_000, requestTimeout: 10_000 }, (request, response) => {
      void this.answer(request, response);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot serve metrics on ${host}:${port} (METRICS_HOST/METRICS_PORT): ${reason}`);
    }
    this.server = server;
    this.logger.log(`Metrics at http://${host}:${port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // A scraper's keep-alive connection must not hold the process open.
      server.closeAllConnections();
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    try {
      const body = await this.registry.metrics();
      response.writeHead(200, { 'content-type': this.registry.contentType, 'cache-control': 'no-store' }).end(body);
    } catch (error) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal error\n');
    }
  }
}
