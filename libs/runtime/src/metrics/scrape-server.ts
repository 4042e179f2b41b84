import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import type { Registry } from 'prom-client';

/** An answer for a path other than `/metrics`, or undefined for 404. */
export type ExtraRoute = (
  path: string,
) => { status: number; body: unknown } | undefined | Promise<{ status: number; body: unknown } | undefined>;

/**
 * A small HTTP server of its own for Prometheus (`GET /metrics`, plus any extra GET routes), so that metrics need not
 * be served on a public port; 404 for anything else. The apps' MetricsServer providers start and close it with the
 * application.
 */
export class ScrapeServer {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly extraRoute: ExtraRoute = () => undefined,
  ) {}

  /** Where it listens; undefined while it does not. */
  address(): AddressInfo | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  /** `settings` names the variables that chose host and port, for the error a failed listen throws. */
  async listen(host: string, port: number, settings: string): Promise<void> {
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
      throw new Error(`Cannot serve metrics on ${host}:${port} (${settings}): ${reason}`);
    }
    this.server = server;
    this.logger.log(`Metrics at http://${host}:${port}/metrics`);
  }

  async close(): Promise<void> {
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
    let extra: Awaited<ReturnType<ExtraRoute>>;
    try {
      extra = request.method === 'GET' ? await this.extraRoute(path) : undefined;
    } catch (error) {
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal error\n');
      return;
    }
    if (extra) {
      response.writeHead(extra.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(extra.body));
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
