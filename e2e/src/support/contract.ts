import { describeResponse, type HttpResponse } from './http';

/** UUID version 7 (version nibble 7, RFC 9562 variant). */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** An ISO-8601 date-time with seconds, optional fraction and a zone (`Z` or `±hh:mm`). */
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The first 48 bits of a UUIDv7 are its creation time in Unix milliseconds. */
export function uuidV7Timestamp(uuid: string): number {
  return parseInt(uuid.replace(/-/g, '').slice(0, 12), 16);
}

export interface FieldError {
  field: string;
  messages: string[];
}

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: FieldError[];
}

export interface PublicUser {
  id: string;
  username: string;
  createdAt: string;
  email: string | null;
  emailVerified: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(response: HttpResponse, problem: string): never {
  throw new Error(`${problem}\n  response: ${describeResponse(response)}`);
}

function sameKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  required: readonly string[],
): string | undefined {
  const keys = Object.keys(value);
  const extra = keys.filter((key) => !allowed.includes(key));
  const missing = required.filter((key) => !keys.includes(key));
  if (extra.length || missing.length) {
    return `unexpected keys [${extra.join(', ')}], missing keys [${missing.join(', ')}]`;
  }
  return undefined;
}

/** Checks `details` of an error: `[{field: string, messages: string[]}]`. */
function checkDetails(response: HttpResponse, details: unknown): FieldError[] {
  if (!Array.isArray(details)) fail(response, 'details is not an array');
  return details.map((entry: unknown, index): FieldError => {
    if (!isRecord(entry)) fail(response, `details[${index}] is not an object`);
    const keyProblem = sameKeys(entry, ['field', 'messages'], ['field', 'messages']);
    if (keyProblem) fail(response, `details[${index}]: ${keyProblem}`);
    const { field, messages } = entry;
    if (typeof field !== 'string' || field.length === 0)
      fail(response, `details[${index}].field is not a non-empty string`);
    if (
      !Array.isArray(messages) ||
      messages.length === 0 ||
      !messages.every((m) => typeof m === 'string' && m.length > 0)
    ) {
      fail(response, `details[${index}].messages is not a non-empty array of non-empty strings`);
    }
    return { field, messages: messages as string[] };
  });
}

/**
 * Asserts that `response` is an error with this status and code, and that its body has exactly the
 * contract's shape: `{statusCode, code, message, details?}` with statusCode equal to the HTTP status.
 */
export function expectError(response: HttpResponse, status: number, code: string | readonly string[]): ErrorBody {
  const codes = typeof code === 'string' ? [code] : code;
  if (response.status !== status)
    fail(response, `expected HTTP ${status} ${codes.join('|')}, got HTTP ${response.status}`);
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.includes('application/json')) fail(response, `content-type is "${contentType}", not JSON`);
  const body = response.body;
  if (!isRecord(body)) fail(response, 'error body is not a JSON object');
  const keyProblem = sameKeys(body, ['statusCode', 'code', 'message', 'details'], ['statusCode', 'code', 'message']);
  if (keyProblem) fail(response, `error body: ${keyProblem}`);
  if (body['statusCode'] !== status)
    fail(response, `statusCode ${JSON.stringify(body['statusCode'])} is not ${status}`);
  if (typeof body['code'] !== 'string' || !codes.includes(body['code'])) {
    fail(response, `code ${JSON.stringify(body['code'])} is not ${codes.join('|')}`);
  }
  if (typeof body['message'] !== 'string' || body['message'].length === 0)
    fail(response, 'message is not a non-empty string');
  const result: ErrorBody = { statusCode: status, code: body['code'], message: body['message'] };
  if ('details' in body) {
    result.details = checkDetails(response, body['details']);
  }
  return result;
}

/** A 400 VALIDATION_FAILED whose details name every field in `fields` (and possibly others). */
export function expectValidationError(response: HttpResponse, fields: readonly string[]): FieldError[] {
  const error = expectError(response, 400, 'VALIDATION_FAILED');
  if (!error.details) fail(response, 'VALIDATION_FAILED without details');
  const named = error.details.map((detail) => detail.field);
  const missing = fields.filter((field) => !named.includes(field));
  if (missing.length) fail(response, `details do not name field(s) ${missing.join(', ')} (named: ${named.join(', ')})`);
  return error.details;
}

/** Asserts the public user shape `{id, username, createdAt, email, emailVerified}` (exactly these keys). */
export function expectPublicUser(response: HttpResponse, value: unknown, expectedUsername?: string): PublicUser {
  if (!isRecord(value)) fail(response, 'user is not an object');
  const keys = ['id', 'username', 'createdAt', 'email', 'emailVerified'];
  const keyProblem = sameKeys(value, keys, keys);
  if (keyProblem) fail(response, `user: ${keyProblem}`);
  const { id, username, createdAt, email, emailVerified } = value;
  if (email !== null && typeof email !== 'string') fail(response, 'email is neither a string nor null');
  if (typeof emailVerified !== 'boolean') fail(response, 'emailVerified is not a boolean');
  if (typeof id !== 'string' || !UUID_V7.test(id)) fail(response, `id ${JSON.stringify(id)} is not a UUID v7`);
  if (typeof username !== 'string') fail(response, 'username is not a string');
  if (expectedUsername !== undefined && username !== expectedUsername) {
    fail(response, `username ${JSON.stringify(username)} is not ${JSON.stringify(expectedUsername)}`);
  }
  if (typeof createdAt !== 'string' || !ISO_8601.test(createdAt) || Number.isNaN(Date.parse(createdAt))) {
    fail(response, `createdAt ${JSON.stringify(createdAt)} is not an ISO-8601 date-time`);
  }
  return { id, username, createdAt, email, emailVerified };
}

/** 201 with `{id, username, createdAt}`. */
export function expectSignedUp(response: HttpResponse, expectedUsername?: string): PublicUser {
  if (response.status !== 201) fail(response, `expected HTTP 201, got ${response.status}`);
  return expectPublicUser(response, response.body, expectedUsername);
}

/** The keys of a refresh answer (`TokenResponse`); a login answer has these and `user`. */
export const TOKEN_RESPONSE_KEYS = [
  'accessToken',
  'accessTokenExpiresAt',
  'refreshToken',
  'refreshTokenExpiresAt',
  'tokenType',
] as const;
export const LOGIN_RESPONSE_KEYS = ['user', ...TOKEN_RESPONSE_KEYS] as const;

export interface TokenAnswer {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  tokenType: 'Bearer';
}

/** A compact JWS: three base64url segments. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** 32 random bytes, base64url without padding. */
export const REFRESH_TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** Checks the token fields of a login or refresh body (exact keys: `keys`); returns them. */
export function expectTokenFields(response: HttpResponse, keys: readonly string[]): TokenAnswer {
  if (response.status !== 200) fail(response, `expected HTTP 200, got ${response.status}`);
  const body = response.body;
  if (!isRecord(body)) fail(response, 'body is not an object');
  const keyProblem = sameKeys(body, keys, keys);
  if (keyProblem) fail(response, `body: ${keyProblem}`);
  const { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, tokenType } = body;
  if (typeof accessToken !== 'string' || !COMPACT_JWS.test(accessToken))
    fail(response, 'accessToken is not a compact JWS');
  if (typeof refreshToken !== 'string' || !REFRESH_TOKEN_FORMAT.test(refreshToken))
    fail(response, 'refreshToken is not 43 base64url characters (32 random bytes)');
  for (const [name, value] of Object.entries({ accessTokenExpiresAt, refreshTokenExpiresAt })) {
    if (typeof value !== 'string' || !ISO_8601.test(value) || Number.isNaN(Date.parse(value)))
      fail(response, `${name} ${JSON.stringify(value)} is not an ISO-8601 date-time`);
  }
  if (tokenType !== 'Bearer') fail(response, `tokenType ${JSON.stringify(tokenType)} is not "Bearer"`);
  return {
    accessToken,
    accessTokenExpiresAt: accessTokenExpiresAt as string,
    refreshToken,
    refreshTokenExpiresAt: refreshTokenExpiresAt as string,
    tokenType,
  };
}

/**
 * 200 with `{user: {id, username, createdAt}, accessToken, accessTokenExpiresAt, refreshToken,
 * refreshTokenExpiresAt, tokenType: "Bearer"}` (exactly these keys). Returns the user.
 */
export function expectLoggedIn(response: HttpResponse, expectedUsername?: string): PublicUser {
  expectTokenFields(response, LOGIN_RESPONSE_KEYS);
  return expectPublicUser(response, (response.body as Record<string, unknown>)['user'], expectedUsername);
}

/**
 * Throws if any recorded response body contains one of `secrets` (passwords, refresh tokens…) or a string
 * starting with `$argon2`.
 */
export function expectNoSecretsIn(responses: readonly HttpResponse[], secrets: Iterable<string>): void {
  const needles = [...new Set(secrets)].filter((secret) => secret.length > 0);
  const leaks: string[] = [];
  for (const response of responses) {
    if (response.text.includes('$argon2')) {
      leaks.push(`"$argon2" in ${describeResponse(response)}`);
    }
    for (const needle of needles) {
      if (response.text.includes(needle)) {
        leaks.push(`secret ${JSON.stringify(needle.slice(0, 12))}… in ${describeResponse(response)}`);
      }
    }
  }
  if (leaks.length) {
    throw new Error(`${leaks.length} response(s) leak secrets:\n${leaks.slice(0, 10).join('\n')}`);
  }
}
