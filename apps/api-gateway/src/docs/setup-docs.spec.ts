import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ALL_ERROR_CODES, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '@nestjs-microservices/shared';
import { AppModule } from '../app.module';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { API_VERSION, setupDocs } from './setup-docs';

/** The whole gateway (not listening), with the docs set up the way main.ts does it. */
describe('setupDocs', () => {
  const config = new GatewayConfig(gatewayEnvSchema.parse({ LOG_LEVEL: 'fatal', HTTP_BODY_LIMIT_BYTES: '2048' }));
  let app: NestFastifyApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), new FastifyAdapter(), {
      logger: false,
    });
    app.setGlobalPrefix('api', { exclude: ['metrics'] });
    document = setupDocs(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  it('serves the document at /api/docs-json, as built', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/docs-json' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it('serves Swagger UI at /api/docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/docs' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger-ui');
  });

  it('documents exactly the API routes, with title, version and the configured body limit', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/admin/audit',
      '/api/admin/users',
      '/api/admin/users/{id}',
      '/api/admin/users/{id}/disable',
      '/api/admin/users/{id}/enable',
      '/api/admin/users/{id}/password-reset',
      '/api/admin/users/{id}/roles',
      '/api/admin/users/{id}/sessions',
      '/api/admin/users/{id}/sessions/{sid}',
      '/api/auth/account',
      '/api/auth/email',
      '/api/auth/email/verify',
      '/api/auth/email/verify/resend',
      '/api/auth/jwks',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/logout-all',
      '/api/auth/me',
      '/api/auth/password',
      '/api/auth/password/forgot',
      '/api/auth/password/reset',
      '/api/auth/refresh',
      '/api/auth/sessions',
      '/api/auth/sessions/{id}',
      '/api/auth/signup',
      '/api/health/live',
      '/api/health/ready',
    ]);
    expect(document.info.version).toBe(API_VERSION);
    expect(document.info.description).toContain('at most 2048 bytes');
  });

  it('carries the contract: the error codes as an enum, the DTO rules as schema limits', () => {
    const schemas = document.components?.schemas ?? {};

    expect(schemas['ErrorCode']).toMatchObject({ enum: ALL_ERROR_CODES });
    expect(schemas['SignupDto']).toMatchObject({
      properties: { username: { minLength: USERNAME_MIN_LENGTH, maxLength: USERNAME_MAX_LENGTH } },
      required: ['username', 'password'],
    });
  });
});
