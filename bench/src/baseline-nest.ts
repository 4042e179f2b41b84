/**
 * Baseline C: an empty NestJS 11 + Fastify app answering a constant on `/api/auth/me`: the framework's own ceiling,
 * with the gateway's adapter options where they cost per request (request ids, body limit) and nothing else: no
 * guard, no logging, no hooks. Started by the bench in its own process (`PORT` from the environment); stops on SIGTERM.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller('auth')
class ConstantController {
  @Get('me')
  me(): { id: string; username: string } {
    return { id: '00000000-0000-7000-8000-000000000000', username: 'baseline' };
  }
}

@Module({ controllers: [ConstantController] })
class ConstantModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ConstantModule,
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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
