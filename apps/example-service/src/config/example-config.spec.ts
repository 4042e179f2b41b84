import { resolve } from 'node:path';
import { ExampleConfig, exampleEnvSchema } from './example-config';

const load = (env: Record<string, string>) => new ExampleConfig(exampleEnvSchema.parse(env));

describe('ExampleConfig', () => {
  it("defaults: port 3002, the local gateway, no revocation feed, the platform's issuer, audience and lifetime", () => {
    const config = load({});

    expect(config.port).toBe(3002);
    expect(config.tokenAuth).toEqual({
      jwksUrl: 'http://127.0.0.1:3000/api/auth/jwks',
      issuer: 'urn:nestjs-microservices:auth',
      audience: 'urn:nestjs-microservices:api',
      accessTokenTtlSeconds: 900,
    });
  });

  it("follows the gateway's feed with REVOCATION_FEED_TOKEN", () => {
    const token = 'x'.repeat(32);
    const config = load({ GATEWAY_URL: 'https://gw.example/', REVOCATION_FEED_TOKEN: token, ACCESS_TOKEN_TTL: '5m' });

    expect(config.tokenAuth).toMatchObject({
      jwksUrl: 'https://gw.example/api/auth/jwks',
      accessTokenTtlSeconds: 300,
      revocations: { url: 'https://gw.example/api/auth/revocations', token, intervalMs: 1_000 },
    });
  });

  it('refuses a feed token shorter than 32 characters', () => {
    expect(() => load({ REVOCATION_FEED_TOKEN: 'short' })).toThrow();
  });

  it("tells the demo page the gateway by PUBLIC_GATEWAY_URL (default http://localhost:3000) and finds the page's build", () => {
    expect(load({})).toMatchObject({ publicGatewayUrl: 'http://localhost:3000' });
    expect(load({ DEMO_WEB_DIR: 'web' }).demoWebDir).toBe(resolve('web'));
    const config = load({ PUBLIC_GATEWAY_URL: 'https://auth.example.com/' });
    expect(config.publicGatewayUrl).toBe('https://auth.example.com');
    expect(() => load({ PUBLIC_GATEWAY_URL: 'not a url' })).toThrow();
  });
});
