import { Controller, Get, Injectable, type MiddlewareConsumer, Module, type NestMiddleware } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { req, startGateway } from '../testing/gateway-harness';
import { createHttpAdapter } from './http-server';

const config = () => new GatewayConfig(gatewayEnvSchema.parse({ NODE_ENV: 'test', LOG_LEVEL: 'fatal' }));

describe('the gateway HTTP adapter', () => {
  it('runs no middleware layer: @fastify/middie is not registered', async () => {
    const { app } = await startGateway();
    try {
      const fastify = app.getHttpAdapter().getInstance();
      expect(fastify.hasDecorator('use')).toBe(false);
      expect((await app.inject(req('GET', '/api/health/live'))).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses to start with a Nest middleware, rather than skip it silently', async () => {
    @Injectable()
    class Stamp implements NestMiddleware {
      use(_request: unknown, _response: unknown, next: () => void): void {
        next();
      }
    }
    @Controller('x')
    class X {
      @Get()
      x(): string {
        return 'x';
      }
    }
    @Module({ controllers: [X] })
    class WithMiddleware {
      configure(consumer: MiddlewareConsumer): void {
        consumer.apply(Stamp).forRoutes('*path');
      }
    }
    const moduleRef = await Test.createTestingModule({ imports: [WithMiddleware] }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config()), { logger: false });
    await expect(app.init()).rejects.toThrow(/use is not a function/);
    await app.close().catch(() => undefined);
  });
});
