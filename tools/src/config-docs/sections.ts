/**
 * Where the env schemas live, in the order docs/configuration.md and .env.example present them. A new app or a
 * new shared shape is one entry here; a new variable needs nothing here, only its description in the schema.
 */
export interface SchemaSource {
  file: string;
  name: string;
}

export interface ConfigSection {
  title: string;
  /** Who reads these variables: an app's project name, or `shared` for the runtime's shapes. */
  app: 'shared' | 'auth-microservice' | 'api-gateway' | 'example-service';
  /** The exported zod object schemas or shapes, by file (relative to the workspace root) and export name. */
  schemas: SchemaSource[];
  intro: string;
}

export const CONFIG_SECTIONS: ConfigSection[] = [
  {
    title: 'Every process',
    app: 'shared',
    schemas: [{ file: 'libs/runtime/src/env-schema.ts', name: 'baseEnvSchema' }],
    intro:
      "The runtime's base schema, which every app's schema extends. The example " +
      "service validates these too but, being a demonstration, logs with Nest's default logger and stops through " +
      "Nest's own shutdown hooks, without a deadline.",
  },
  {
    title: 'The link between the gateway and the auth service',
    app: 'shared',
    schemas: [
      { file: 'libs/runtime/src/transport/auth-transport.ts', name: 'authTransportEnvShape' },
      { file: 'libs/runtime/src/mutual-tls.ts', name: 'mutualTlsEnvShape' },
    ],
    intro:
      'Shapes both apps spread into their schemas: set them the same on both sides. Over TCP the gateway reaches one auth ' +
      'service at `AUTH_TCP_HOST`:`AUTH_TCP_PORT`, optionally with mutual TLS; over NATS every auth instance joins one ' +
      'queue group (see [deployment.md](deployment.md)).',
  },
  {
    title: 'Auth service',
    app: 'auth-microservice',
    schemas: [
      { file: 'apps/auth-microservice/src/config/auth-config.ts', name: 'authEnvSchema' },
      { file: 'apps/auth-microservice/src/config/mail-config.ts', name: 'mailEnvShape' },
    ],
    intro:
      '`apps/auth-microservice`: its TCP port and limits, the database, password hashing, brute-force protection, ' +
      'token and session lifetimes, signing keys, mail and account recovery, administration and the audit trail, ' +
      'and its own metrics and health server.',
  },
  {
    title: 'API gateway',
    app: 'api-gateway',
    schemas: [{ file: 'apps/api-gateway/src/config/gateway-config.ts', name: 'gatewayEnvSchema' }],
    intro:
      '`apps/api-gateway`: the public HTTP server, the calls to the auth service, rate limits, token verification ' +
      '(keys, verified-token cache, revocations), the revocation feed for resource services, docs and metrics.',
  },
  {
    title: 'Example service',
    app: 'example-service',
    schemas: [{ file: 'apps/example-service/src/config/example-config.ts', name: 'exampleEnvSchema' }],
    intro:
      '`apps/example-service`: a resource service protected by `@nestjs-microservices/nest-auth` ([nest-auth.md](nest-auth.md)) ' +
      'that also serves the demo web app ([demo-app.md](demo-app.md)). `npm start` runs it on `EXAMPLE_PORT` (default 3002), ' +
      'whatever `PORT` says.',
  },
];
