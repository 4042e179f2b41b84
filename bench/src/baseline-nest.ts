/**
 * Baseline C: an empty NestJS 11 + Fastify app answering a constant on `/api/auth/me`: the framework's own ceiling,
 * with the gateway's adapter options where they cost per request (request ids, body limit) and nothing else: no
 * guard, no logging, no hooks. Started by the bench in its own process (`PORT` from the environment); stops on SIGTERM.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { serveNestBaseline } from './nest-baseline-app';

@Controller('auth')
class ConstantController {
  @Get('me')
  me(): { id: string; username: string } {
    return { id: '00000000-0000-7000-8000-000000000000', username: 'baseline' };
  }
}

@Module({ controllers: [ConstantController] })
class ConstantModule {}

serveNestBaseline(ConstantModule);
