import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import {
  ALL_ERROR_CODES,
  ERROR_DESCRIPTIONS,
  ERROR_STATUS,
  ErrorResponse,
  REQUEST_ID_HEADER,
} from '@nestjs-microservices/shared';
import { authTransportPhrase } from '../auth/auth-client.module';
import { GatewayConfig } from '../config/gateway-config';

/** The version of the HTTP API (not of the package): raise it when the contract changes. */
export const API_VERSION = '1.0.0';
/** Swagger UI at `/api/docs`, the OpenAPI document at `/api/docs-json` (under the global prefix). */
export const DOCS_PATH = 'docs';
export const DOCS_JSON_PATH = 'docs-json';

const ERROR_TABLE = ALL_ERROR_CODES.filter((code) => code !== 'UNKNOWN_PATTERN')
  .map((code) => `| \`${code}\` | ${ERROR_STATUS[code]} | ${ERROR_DESCRIPTIONS[code]} |`)
  .join('\n');

const description = (
  bodyLimitBytes: number,
  transport: string,
) => `Sign-up, login and token sessions. The gateway validates each request against the shared contract and calls the
auth service ${transport}. Bodies are JSON (\`application/json\`, at most ${bodyLimitBytes} bytes).

Every error has one shape, \`ErrorResponse\`:

\`\`\`json
{ "statusCode": 400, "code": "VALIDATION_FAILED", "message": "The request is invalid",
  "details": [{ "field": "password", "messages": ["password must be longer than or equal to 8 characters"] }] }
\`\`\`

\`code\` is stable and decides the status; \`details\` comes only with \`VALIDATION_FAILED\`.

| Code | Status | When |
| ---- | ------ | ---- |
${ERROR_TABLE}

Every route needs an access token (\`Authorization: Bearer <accessToken>\` from login or refresh) unless its
documentation shows no lock: sign-up, login, refresh, the JWKS and the health probes. A 401 about a token carries a
\`WWW-Authenticate: Bearer\` challenge (RFC 6750).

Every response carries an \`${REQUEST_ID_HEADER}\` header (the caller's, when well-formed, else a new one).`;

/** Builds the OpenAPI document from the controllers' decorators and serves it with Swagger UI. */
export function setupDocs(app: NestFastifyApplication): OpenAPIObject {
  const gateway = app.get(GatewayConfig);
  const config = new DocumentBuilder()
    .setTitle('nestjs-microservices API gateway')
    .setDescription(description(gateway.http.bodyLimitBytes, authTransportPhrase(gateway)))
    .setVersion(API_VERSION)
    .addTag('auth', 'Sign-up, login, tokens and logout')
    .addTag('sessions', "The caller's sessions and password")
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The access token' })
    .addTag('health', 'Liveness and readiness probes (public, never cached)')
    .build();
  // Built at start-up, not on the first request: a broken decorator stops the gateway at once.
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponse] });
  SwaggerModule.setup(DOCS_PATH, app, document, {
    useGlobalPrefix: true,
    raw: ['json'],
    jsonDocumentUrl: DOCS_JSON_PATH,
    customSiteTitle: 'API gateway · API docs',
    swaggerOptions: { displayRequestDuration: true },
  });
  return document;
}
