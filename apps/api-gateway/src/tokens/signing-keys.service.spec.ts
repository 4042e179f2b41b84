import { Logger } from '@nestjs/common';
import { newSigningKey } from '@nestjs-microservices/nest-auth/testing';
import { ERROR_MESSAGES, type JwksResponse, type PublicJwkResponse } from '@nestjs-microservices/shared';
import type { AuthClient } from '../auth/auth.client';
import { ApiError } from '../common/api-error';
import { GatewayConfig, gatewayEnvSchema } from '../config/gateway-config';
import { SigningKeysService } from './signing-keys.service';

/** The key set itself is the package's (SigningKeySet, specs there); here: `auth.jwks` as its source and GET /jwks. */
describe('SigningKeysService (gateway)', () => {
  const first = newSigningKey('kid-1');
  const unavailable = () => new ApiError('AUTH_UNAVAILABLE', ERROR_MESSAGES.AUTH_UNAVAILABLE);
  let jwks: jest.Mock<Promise<JwksResponse>, []>;
  let service: SigningKeysService;

  const create = () =>
    (service = new SigningKeysService(
      { jwks } as unknown as AuthClient,
      new GatewayConfig(gatewayEnvSchema.parse({})),
    ));

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    jwks = jest.fn<Promise<JwksResponse>, []>().mockResolvedValue({ keys: [first.jwk] });
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    service.onModuleDestroy();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('jwks() is the cached key set from auth.jwks, public members only', async () => {
    jwks.mockResolvedValue({ keys: [{ ...first.jwk, d: 'private-part', extra: 1 } as PublicJwkResponse] });
    await create().onApplicationBootstrap();

    await expect(service.jwks()).resolves.toEqual({ keys: [first.jwk] });
    expect(jwks).toHaveBeenCalledTimes(1);
  });

  it('jwks() fetches when the cache is empty', async () => {
    jwks.mockRejectedValueOnce(unavailable());
    await create().onApplicationBootstrap();
    jest.advanceTimersByTime(5_000);

    await expect(service.jwks()).resolves.toEqual({ keys: [first.jwk] });
  });

  it('jwks() answers 503 AUTH_UNAVAILABLE when there are none and none can be fetched', async () => {
    jwks.mockRejectedValue(unavailable());
    await create().onApplicationBootstrap();

    await expect(service.jwks()).rejects.toMatchObject({ code: 'AUTH_UNAVAILABLE' });
  });
});
