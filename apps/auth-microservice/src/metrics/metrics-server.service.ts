import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AuthConfig } from '../config/auth-config';
import { ServingStatus } from '../health/serving-status';

/**
 * The auth service speaks TCP or NATS, not HTTP, so Prometheus scrapes it on a small HTTP server of its own
 * (AUTH_METRICS_HOST:AUTH_METRICS_PORT, loopback by default): `GET /metrics`, and the probes an orchestrator
 * needs — `GET /health/live` (the process answers) and `GET /health/ready` (it takes requests: see
 * `ServingStatus`) — 404 for anything else. Started with the application and closed by `app.close()`;
 * AUTH_METRICS_PORT=0 turns it off.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly config: AuthConfig,
    private readonly serving: ServingStatus,
  ) {}

  /** Where it listens; undefined while it does not. */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { host, port } = this.config.metrics;
    if (port === 0) return;
    const server = createServer({ headersTimeout: 5_000, requestTimeout: 10_000 }, (request, response) => {
      void this.answer(request, response);
    });
    try {
      await listen(server, host, port);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot serve metrics on ${host}:${port} (AUTH_METRICS_HOST/AUTH_METRICS_PORT): ${reason}`);
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
    if (request.method === 'GET' && (path === '/health/live' || path === '/health/ready')) {
      const ready = path === '/health/live' || this.serving.serving;
      const body = JSON.stringify({ status: ready ? 'ok' : 'unavailable', transport: this.serving.transport });
      response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(body);
      return;
    }
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

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
