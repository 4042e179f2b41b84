/**
 * Baseline P: what a team would write without us — a NestJS 11 + Fastify app whose global guard verifies every
 * bearer token with `jose` against the gateway's JWKS (`PEER_JWKS_URL`), issuer and audience checked, no cache of
 * verified tokens, and answers `/api/auth/me` from the claims. Its own process (`PORT`); stops on SIGTERM.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Injectable,
  Module,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

const ISSUER = 'urn:nestjs-microservices:auth';
const AUDIENCE = 'urn:nestjs-microservices:api';
const keys = createRemoteJWKSet(new URL(process.env['PEER_JWKS_URL'] ?? 'http://127.0.0.1:3000/api/auth/jwks'));

type Verified = FastifyRequest & { claims?: JWTPayload };

@Injectable()
class JoseGuard implements CanActivate {
  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Verified>();
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) throw new UnauthorizedException();
    try {
      const { payload } = await jwtVerify(header.slice(7), keys, { issuer: ISSUER, audience: AUDIENCE });
      request.claims = payload;
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}

@Controller('auth')
class MeController {
  @Get('me')
  me(@Req() request: Verified): { id: string | undefined; username: unknown } {
    return { id: request.claims?.sub, username: request.claims?.['username'] };
  }
}

@Module({ controllers: [MeController], providers: [{ provide: APP_GUARD, useClass: JoseGuard }] })
class PeerModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(
    PeerModule,
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
