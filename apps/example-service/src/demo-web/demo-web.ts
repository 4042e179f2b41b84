import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ExampleConfig } from '../config/example-config';

/** What the page reads at start: where the gateway answers for the browser. */
export interface DemoWebConfig {
  gatewayUrl: string;
}

/**
 * The page may talk to this service and to the gateway only, and loads nothing from anywhere else: an XSS that slips
 * through still cannot send the access token away.
 */
export function demoWebHeaders(gatewayUrl: string): Record<string, string> {
  const gateway = new URL(gatewayUrl).origin;
  return {
    'content-security-policy': [
      "default-src 'self'",
      `connect-src 'self' ${gateway}`,
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "form-action 'self'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

/**
 * Serves the demo web app (apps/demo-web, built into `config.demoWebDir`) at `/` and its `/config.json`. Plain Fastify
 * routes, outside the `api` prefix and the token guard: the page is public, its data is not.
 */
export async function serveDemoWeb(app: NestFastifyApplication, config: ExampleConfig): Promise<void> {
  if (!existsSync(config.demoWebDir)) {
    Logger.warn(`No demo web app at ${config.demoWebDir} (npx nx build demo-web): / is not served`, 'DemoWeb');
    return;
  }
  const headers = demoWebHeaders(config.publicGatewayUrl);
  const body: DemoWebConfig = { gatewayUrl: config.publicGatewayUrl };
  await app.register(fastifyStatic, {
    root: config.demoWebDir,
    prefix: '/',
    index: 'index.html',
    setHeaders: (reply) => {
      for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/config.json', (_request, reply) => {
    void reply.headers(headers).header('cache-control', 'no-store').send(body);
  });
  // The pages the auth service's mails link to (APP_URL): the same app, which shows them by path.
  for (const path of DEMO_WEB_PAGES) {
    fastify.get(path, (_request, reply) =>
      reply.headers(headers).header('cache-control', 'no-store').sendFile('index.html'),
    );
  }
}

/** Paths that open the app on one of its recovery pages (verify-email, reset-password, forgot-password). */
export const DEMO_WEB_PAGES = ['/verify-email', '/reset-password', '/forgot-password'] as const;
