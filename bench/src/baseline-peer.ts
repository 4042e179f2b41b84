/**
 * Baseline P: what a team would write without us — a NestJS 11 + Fastify app whose global guard verifies every
 * bearer token with `jose` against the gateway's JWKS (`PEER_JWKS_URL`), issuer and audience checked, no cache of
 * verified tokens, and answers `/api/auth/me` from the claims. Its own process (`PORT`); stops on SIGTERM.
 */
import 'reflect-metadata';
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
import { APP_GUARD } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { serveNestBaseline } from './nest-baseline-app';

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

serveNestBaseline(PeerModule);
