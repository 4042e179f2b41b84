import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { ERROR_MESSAGES } from '@nestjs-microservices/shared';
import { AppModule } from '../app.module';
import { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { configureHttpServer, createHttpAdapter } from '../common/http-server';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { setupDocs } from '../docs/setup-docs';
import { newSigningKey } from '@nestjs-microservices/nest-auth/testing';

/**
 * For route-level specs: the whole gateway as main.ts builds it (not listening), with the auth service
 * behind a fake `AuthClient`, the transport boundary. Compiled for specs only (see tsconfig.app.json).
 */
export type FakeAuthClient = { [K in keyof AuthClient]: jest.Mock };

/** The key the fake auth service publishes and the specs sign their tokens with. */
export const signingKey = newSigningKey();
export const USER = {
  id: '0190a000-0000-7000-8000-00000000000a',
  username: 'alice',
  createdAt: '2025-01-01T00:00:00.000Z',
  email: null,
  emailVerified: false,
};
export const SESSION_ID = '0190a000-0000-7000-8000-0000000000b1';
export const TOKENS = {
  accessToken: 'a.b.c',
  accessTokenExpiresAt: '2025-01-01T00:15:00.000Z',
  refreshToken: 'r'.repeat(43),
  refreshTokenExpiresAt: '2025-01-15T00:00:00.000Z',
  tokenType: 'Bearer',
};
export const BEARER_CHALLENGE = 'Bearer';
export const INVALID_TOKEN_CHALLENGE = /^Bearer error="invalid_token", error_description="[^"]+"$/;
export const SESSION_METHODS = ['logout', 'logoutAll', 'listSessions', 'endSession', 'changePassword'] as const;
export const ADMIN_METHODS = [
  'adminListUsers',
  'adminGetUser',
  'adminDisableUser',
  'adminEnableUser',
  'adminDeleteUser',
  'adminEndSessions',
  'adminEndSession',
  'adminChangeRoles',
  'adminListAudit',
  'adminPasswordReset',
] as const;

export const authUnavailable = (): Promise<never> =>
  Promise.reject(new ApiError('AUTH_UNAVAILABLE', ERROR_MESSAGES.AUTH_UNAVAILABLE));

/** An auth service that is up: keys, an empty revocation list, health; the session calls fail until told. */
export function fakeAuthClient(): FakeAuthClient {
  return <FakeAuthClient>{
    signup: jest.fn(() => Promise.resolve(USER)),
    login: jest.fn(() => Promise.resolve({ user: USER, ...TOKENS })),
    refresh: jest.fn(() => Promise.resolve(TOKENS)),
    logout: jest.fn(authUnavailable),
    logoutAll: jest.fn(authUnavailable),
    listSessions: jest.fn(authUnavailable),
    endSession: jest.fn(authUnavailable),
    changePassword: jest.fn(authUnavailable),
    ...Object.fromEntries(ADMIN_METHODS.map((name) => [name, jest.fn(authUnavailable)])),
    changeEmail: jest.fn(authUnavailable),
    verifyEmail: jest.fn(authUnavailable),
    resendVerification: jest.fn(authUnavailable),
    forgotPassword: jest.fn(authUnavailable),
    resetPassword: jest.fn(authUnavailable),
    deleteAccount: jest.fn(authUnavailable),
    jwks: jest.fn(() => Promise.resolve({ keys: [signingKey.jwk] })),
    revocations: jest.fn(() => Promise.resolve({ serverTime: new Date().toISOString(), revoked: [] })),
    health: jest.fn(() => Promise.resolve({ database: { status: 'up', durationMs: 0.4 } })),
    // Like TCP: no broadcast, the revocation list comes from polling only.
    onSessionsRevoked: jest.fn(() => Promise.resolve(false)),
  };
}

export interface TestGateway {
  app: NestFastifyApplication;
  auth: FakeAuthClient;
  document: OpenAPIObject;
}

export async function startGateway(env: Record<string, string> = {}, auth = fakeAuthClient()): Promise<TestGateway> {
  const config = new GatewayConfig(gatewayEnvSchema.parse({ NODE_ENV: 'test', LOG_LEVEL: 'fatal', ...env }));
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(config)] })
    .overrideProvider(AuthClient)
    .useValue(auth)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { logger: false });
  configureHttpServer(app, config);
  const document = setupDocs(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, auth, document };
}

/** An `inject` request, with `Authorization: Bearer <token>` and a JSON body when given. */
export function req(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  { token, body }: { token?: string; body?: unknown } = {},
) {
  return {
    method,
    url,
    headers: {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  };
}

/** Every call the gateway made to the session patterns. */
export const sessionCalls = (auth: FakeAuthClient): unknown[][] =>
  SESSION_METHODS.flatMap((name) => auth[name].mock.calls);
