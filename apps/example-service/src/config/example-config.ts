import { resolve } from 'node:path';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, type TokenAuthOptions } from '@nestjs-microservices/nest-auth';
import {
  accessTokenTtl,
  baseEnvSchema,
  duration,
  host,
  port,
  shutdownDrainDelayMs,
} from '@nestjs-microservices/runtime';
import { z } from 'zod';

export const exampleEnvSchema = baseEnvSchema.extend({
  HOST: host('127.0.0.1').describe('HTTP bind address'),
  PORT: port(3002).describe('HTTP port (`npm start` sets it from `EXAMPLE_PORT`, default 3002)'),
  GATEWAY_URL: z
    .url()
    .default('http://127.0.0.1:3000')
    .describe('where the gateway answers: its JWKS and its revocation feed are read from there'),
  PUBLIC_GATEWAY_URL: z
    .url()
    .default('http://localhost:3000')
    .describe(
      "the gateway as browsers reach it, told to the demo web app (its `/config.json`): the same host name as this service's page (same site)",
    ),
  DEMO_WEB_DIR: z.string().trim().min(1).optional().meta({
    description: 'the built demo web app (`npx nx build demo-web`); see docs/demo-app.md',
    defaultText: "`dist/apps/demo-web` (beside this service's build)",
  }),
  REVOCATION_FEED_TOKEN: z
    .string()
    .trim()
    .min(32)
    .optional()
    .describe("the gateway's `REVOCATION_FEED_TOKEN`; unset = revoked sessions pass here until their tokens expire"),
  REVOCATION_FEED_INTERVAL: duration('1s', '100ms', '1m').describe("how often the gateway's revocation feed is polled"),
  TOKEN_ISSUER: z
    .string()
    .trim()
    .min(1)
    .default(DEFAULT_TOKEN_ISSUER)
    .describe("the `iss` access tokens must carry: the auth service's `TOKEN_ISSUER`"),
  TOKEN_AUDIENCE: z
    .string()
    .trim()
    .min(1)
    .default(DEFAULT_TOKEN_AUDIENCE)
    .describe("the `aud` access tokens must carry: the auth service's `TOKEN_AUDIENCE`"),
  ACCESS_TOKEN_TTL: accessTokenTtl().describe(
    "the auth service's `ACCESS_TOKEN_TTL` (set it the same): a token claiming a longer lifetime is refused",
  ),
  NOTES_DATABASE_PATH: z
    .string()
    .trim()
    .min(1)
    .default('data/notes.sqlite')
    .describe("the notes' own SQLite file (created with its directory when missing)"),
});

export type ExampleEnv = z.output<typeof exampleEnvSchema>;

/** The example service's settings, validated at start-up. */
export class ExampleConfig {
  readonly host: string;
  readonly port: number;
  readonly databasePath: string;
  readonly shutdownTimeoutMs: number;
  /** After SIGTERM: reported not ready but still serving for this long (SHUTDOWN_DRAIN_DELAY). */
  readonly shutdownDrainDelayMs: number;
  readonly tokenAuth: TokenAuthOptions;
  readonly publicGatewayUrl: string;
  readonly demoWebDir: string;

  constructor(env: ExampleEnv) {
    this.host = env.HOST;
    this.port = env.PORT;
    this.databasePath = env.NOTES_DATABASE_PATH;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.shutdownDrainDelayMs = shutdownDrainDelayMs(env);
    this.publicGatewayUrl = env.PUBLIC_GATEWAY_URL.replace(/\/+$/, '');
    // Beside the bundle itself (webpack leaves __dirname to Node): process.argv[1] is Nx's launcher under `nx serve`.
    this.demoWebDir = resolve(env.DEMO_WEB_DIR ?? resolve(__dirname, '..', 'demo-web'));
    const gateway = env.GATEWAY_URL.replace(/\/+$/, '');
    this.tokenAuth = {
      jwksUrl: `${gateway}/api/auth/jwks`,
      issuer: env.TOKEN_ISSUER,
      audience: env.TOKEN_AUDIENCE,
      accessTokenTtlSeconds: Math.floor(env.ACCESS_TOKEN_TTL / 1_000),
      ...(env.REVOCATION_FEED_TOKEN !== undefined && {
        revocations: {
          url: `${gateway}/api/auth/revocations`,
          token: env.REVOCATION_FEED_TOKEN,
          intervalMs: env.REVOCATION_FEED_INTERVAL,
        },
      }),
    };
  }
}
