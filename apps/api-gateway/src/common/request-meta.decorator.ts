import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type RequestMeta, USER_AGENT_MAX_LENGTH } from '@nestjs-microservices/shared';
import type { FastifyRequest } from 'fastify';

/**
 * Who is asking, as the auth service should know it: the request id Fastify assigned (see
 * `request-id.ts`), the client address (`X-Forwarded-For` only counts from trusted proxies,
 * which Fastify's `trustProxy` decides) and the user agent.
 */
export const ClientMeta = createParamDecorator((_: unknown, context: ExecutionContext): RequestMeta => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const userAgent = request.headers['user-agent'];
  return {
    requestId: request.id,
    clientIp: request.ip,
    ...(userAgent && { userAgent: userAgent.slice(0, USER_AGENT_MAX_LENGTH) }),
  };
});
