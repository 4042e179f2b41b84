import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Starts `module` as baselines C and P run: NestJS 11 + Fastify with the gateway's per-request adapter options (body
 * limit, a request id per request), no logger, under `/api`, on 127.0.0.1:`PORT`; stops on SIGTERM.
 */
export function serveNestBaseline(module: Type<unknown>): void {
  const main = async (): Promise<void> => {
    const app = await NestFactory.create<NestFastifyApplication>(
      module,
      new FastifyAdapter({ bodyLimit: 16_384, genReqId: () => randomUUID(), requestIdHeader: false }),
      { logger: false },
    );
    app.setGlobalPrefix('api');
    await app.listen(Number(process.env['PORT']), '127.0.0.1');
    process.once('SIGTERM', () => {
      app
        .close()
        .then(() => process.exit(0))
        .catch(() => process.exit(1));
    });
  };
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
