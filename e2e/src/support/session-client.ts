/**
 * Assertions and small helpers for the token-session routes: login/refresh answers with their JWT checked
 * claim by claim, `/auth/me`, the session list, 204s, 401s with `WWW-Authenticate`, and polling.
 */
import {
  expectError,
  expectPublicUser,
  expectSignedUp,
  expectTokenFields,
  type ErrorBody,
  ISO_8601,
  LOGIN_RESPONSE_KEYS,
  type PublicUser,
  type TokenAnswer,
  TOKEN_RESPONSE_KEYS,
} from './contract';
import { describeResponse, type HttpClient, type HttpResponse, type RequestOptions } from './http';
import { decodeJwt, type JsonObject } from './jwt';
import { sleep } from './util';

export const DEFAULT_ISSUER = 'urn:nestjs-microservices:auth';
export const DEFAULT_AUDIENCE = 'urn:nestjs-microservices:api';
/** ACCESS_TOKEN_TTL by default: 15 minutes. */
export const DEFAULT_ACCESS_TTL_SECONDS = 15 * 60;
/** Any UUID (the session id is a UUID; its version is the service's business). */
export const ANY_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ACCESS_CLAIM_NAMES = [
  'iss',
  'aud',
  'sub',
  'sid',
  'jti',
  'iat',
  'exp',
  'username',
  'roles',
  'auth_time',
] as const;
export const SESSION_KEYS = ['id', 'createdAt', 'lastUsedAt', 'ip', 'userAgent', 'current'] as const;

export const ROUTES = {
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  me: '/api/auth/me',
  jwks: '/api/auth/jwks',
  logout: '/api/auth/logout',
  logoutAll: '/api/auth/logout-all',
  sessions: '/api/auth/sessions',
  session: (id: string) => `/api/auth/sessions/${encodeURIComponent(id)}`,
  password: '/api/auth/password',
  ready: '/api/health/ready',
} as const;

export interface AccessClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  username: string;
  /** The user's roles when the token was issued. */
  roles: string[];
  /** The password login of the session (seconds), the same along its refreshes. */
  auth_time: number;
}

export interface AccessTokenView {
  header: { alg: string; kid: string; typ: string };
  claims: AccessClaims;
}

/** A login or refresh answer with its access token decoded and checked. */
export interface IssuedTokens extends TokenAnswer, AccessTokenView {}

export interface LoginResult {
  user: PublicUser;
  tokens: IssuedTokens;
}

export interface AccessTokenExpectations {
  userId?: string;
  username?: string;
  sessionId?: string;
  /** exp - iat; the default TTL (900 s) unless given. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

function fail(response: HttpResponse | undefined, problem: string): never {
  throw new Error(response ? `${problem}\n  response: ${describeResponse(response)}` : problem);
}

function sortedKeys(value: object): string[] {
  return Object.keys(value).sort();
}

/** Decodes an issued access token and checks its header and every claim against the contract. */
export function expectAccessToken(
  accessToken: string,
  expected: AccessTokenExpectations = {},
  response?: HttpResponse,
): AccessTokenView {
  let decoded: ReturnType<typeof decodeJwt>;
  try {
    decoded = decodeJwt(accessToken);
  } catch (error) {
    fail(response, `the access token does not decode: ${String(error)}`);
  }
  const { header, payload } = decoded;
  if (JSON.stringify(sortedKeys(header)) !== JSON.stringify(['alg', 'kid', 'typ']))
    fail(response, `JWT header keys are [${sortedKeys(header).join(', ')}], not [alg, kid, typ]`);
  if (header['alg'] !== 'EdDSA') fail(response, `JWT alg ${JSON.stringify(header['alg'])} is not EdDSA`);
  if (header['typ'] !== 'at+jwt') fail(response, `JWT typ ${JSON.stringify(header['typ'])} is not at+jwt`);
  if (typeof header['kid'] !== 'string' || header['kid'].length === 0) fail(response, 'JWT kid is not a string');

  // An account with an address also has `email` and `email_verified` (both or neither).
  const withEmail = 'email' in payload;
  if (withEmail !== 'email_verified' in payload) fail(response, 'JWT has one of email and email_verified only');
  const claimKeys = sortedKeys(payload).filter((key) => key !== 'email' && key !== 'email_verified');
  if (JSON.stringify(claimKeys) !== JSON.stringify([...ACCESS_CLAIM_NAMES].sort()))
    fail(response, `JWT claims are [${claimKeys.join(', ')}], not [${[...ACCESS_CLAIM_NAMES].sort().join(', ')}]`);
  const claims = payload as unknown as AccessClaims;
  const want = (name: string, actual: unknown, wanted: unknown): void => {
    if (actual !== wanted) fail(response, `claim ${name} is ${JSON.stringify(actual)}, not ${JSON.stringify(wanted)}`);
  };
  want('iss', claims.iss, expected.issuer ?? DEFAULT_ISSUER);
  want('aud', claims.aud, expected.audience ?? DEFAULT_AUDIENCE);
  if (expected.userId !== undefined) want('sub', claims.sub, expected.userId);
  if (expected.username !== undefined) want('username', claims.username, expected.username);
  if (expected.sessionId !== undefined) want('sid', claims.sid, expected.sessionId);
  if (typeof claims.sid !== 'string' || !ANY_UUID.test(claims.sid)) fail(response, 'claim sid is not a UUID');
  if (typeof claims.jti !== 'string' || claims.jti.length < 8) fail(response, 'claim jti is not a unique id');
  if (!Number.isInteger(claims.iat) || !Number.isInteger(claims.exp)) fail(response, 'iat/exp are not integers');
  if (Math.abs(claims.iat * 1000 - Date.now()) > 60_000) fail(response, `iat ${claims.iat} is not now`);
  want('exp - iat', claims.exp - claims.iat, expected.ttlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS);
  if (!Array.isArray(claims.roles) || !claims.roles.every((role) => typeof role === 'string'))
    fail(response, `claim roles ${JSON.stringify(claims.roles)} is not a list of strings`);
  if (!Number.isInteger(claims.auth_time) || claims.auth_time > claims.iat)
    fail(response, `claim auth_time ${JSON.stringify(claims.auth_time)} is not a time at or before iat`);
  return { header: header as AccessTokenView['header'], claims };
}

function checkExpiries(response: HttpResponse, answer: TokenAnswer, view: AccessTokenView): void {
  const accessExpiry = Date.parse(answer.accessTokenExpiresAt);
  if (Math.abs(accessExpiry - view.claims.exp * 1000) > 1_000)
    fail(response, `accessTokenExpiresAt ${answer.accessTokenExpiresAt} is not the token's exp (${view.claims.exp})`);
  if (Date.parse(answer.refreshTokenExpiresAt) <= Date.now())
    fail(response, `refreshTokenExpiresAt ${answer.refreshTokenExpiresAt} is not in the future`);
}

/** 200 login answer (exact keys) whose access token is for this user and a new session. */
export function expectLogin(
  response: HttpResponse,
  username: string,
  expected: Omit<AccessTokenExpectations, 'username' | 'userId'> = {},
): LoginResult {
  const answer = expectTokenFields(response, LOGIN_RESPONSE_KEYS);
  const user = expectPublicUser(response, (response.body as JsonObject)['user'], username);
  const view = expectAccessToken(answer.accessToken, { ...expected, userId: user.id, username }, response);
  checkExpiries(response, answer, view);
  return { user, tokens: { ...answer, ...view } };
}

/** 200 refresh answer (exact keys, no `user`) for the same user and session. */
export function expectRefreshed(response: HttpResponse, expected: AccessTokenExpectations = {}): IssuedTokens {
  const answer = expectTokenFields(response, TOKEN_RESPONSE_KEYS);
  const view = expectAccessToken(answer.accessToken, expected, response);
  checkExpiries(response, answer, view);
  return { ...answer, ...view };
}

/** 200 `{id, username, sessionId}` (exactly these keys). */
export function expectMe(response: HttpResponse, expected: { id: string; username: string; sessionId: string }): void {
  if (response.status !== 200) fail(response, `GET /auth/me: expected HTTP 200, got ${response.status}`);
  const body = response.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) fail(response, '/me body is not an object');
  if (JSON.stringify(sortedKeys(body)) !== '["id","sessionId","username"]')
    fail(response, `/me keys are [${sortedKeys(body).join(', ')}], not [id, sessionId, username]`);
  const me = body as Record<string, unknown>;
  if (me['id'] !== expected.id || me['username'] !== expected.username || me['sessionId'] !== expected.sessionId)
    fail(response, `/me is not ${JSON.stringify(expected)}`);
}

/** A 401 of a protected route: the error shape with `code`, and a `WWW-Authenticate: Bearer…` header. */
export function expectUnauthorized(response: HttpResponse, code: string | readonly string[]): ErrorBody {
  const error = expectError(response, 401, code);
  const challenge = response.headers.get('www-authenticate') ?? '';
  if (!/^Bearer\b/.test(challenge)) fail(response, `WWW-Authenticate is ${JSON.stringify(challenge)}, not "Bearer…"`);
  return error;
}

/** 204 with an empty body. */
export function expectNoContent(response: HttpResponse): void {
  if (response.status !== 204) fail(response, `expected HTTP 204, got ${response.status}`);
  if (response.text !== '') fail(response, 'a 204 with a body');
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

/** 200 with a JSON array of sessions, each with exactly the contract's keys and types. */
export function expectSessionList(response: HttpResponse): SessionView[] {
  if (response.status !== 200) fail(response, `GET /auth/sessions: expected HTTP 200, got ${response.status}`);
  if (!Array.isArray(response.body)) fail(response, 'the session list is not an array');
  return response.body.map((entry: unknown, index): SessionView => {
    if (typeof entry !== 'object' || entry === null) fail(response, `session ${index} is not an object`);
    const keys = sortedKeys(entry);
    if (JSON.stringify(keys) !== JSON.stringify([...SESSION_KEYS].sort()))
      fail(response, `session ${index} keys are [${keys.join(', ')}], not [${[...SESSION_KEYS].sort().join(', ')}]`);
    const session = entry as SessionView;
    if (typeof session.id !== 'string' || !ANY_UUID.test(session.id)) fail(response, `session ${index}: id not a UUID`);
    for (const field of ['createdAt', 'lastUsedAt'] as const) {
      const value = session[field];
      if (typeof value !== 'string' || !ISO_8601.test(value))
        fail(response, `session ${index}: ${field} ${JSON.stringify(value)} is not ISO-8601`);
    }
    if (Date.parse(session.lastUsedAt) < Date.parse(session.createdAt))
      fail(response, `session ${index}: lastUsedAt is before createdAt`);
    if (typeof session.current !== 'boolean') fail(response, `session ${index}: current is not a boolean`);
    return session;
  });
}

/** Signs up `username` and logs in; the login sends `userAgent` as `User-Agent` when given. */
export async function signUpAndLogin(
  http: HttpClient,
  username: string,
  password: string,
  userAgent?: string,
): Promise<LoginResult> {
  expectSignedUp(await http.signup({ username, password }), username);
  return login(http, username, password, userAgent);
}

export async function login(
  http: HttpClient,
  username: string,
  password: string,
  userAgent?: string,
  expected: Omit<AccessTokenExpectations, 'username' | 'userId'> = {},
): Promise<LoginResult> {
  const options: RequestOptions = userAgent === undefined ? {} : { headers: { 'user-agent': userAgent } };
  return expectLogin(await http.login({ username, password }, options), username, expected);
}

/**
 * Repeats `attempt` every `intervalMs` until `done(response)`; returns that response and the time it took.
 * Throws with the last response after `timeoutMs`.
 */
export async function pollResponse(
  attempt: () => Promise<HttpResponse>,
  done: (response: HttpResponse) => boolean,
  options: { timeoutMs: number; intervalMs?: number; description: string },
): Promise<{ response: HttpResponse; elapsedMs: number }> {
  const started = performance.now();
  let last: HttpResponse | undefined;
  for (;;) {
    last = await attempt();
    const elapsedMs = performance.now() - started;
    if (done(last)) return { response: last, elapsedMs };
    if (elapsedMs > options.timeoutMs) {
      throw new Error(
        `${options.description}: not reached after ${Math.round(elapsedMs)} ms; last ${describeResponse(last)}`,
      );
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** True for a 401 with this code. */
export const is401 =
  (code: string) =>
  (response: HttpResponse): boolean =>
    response.status === 401 && (response.body as { code?: unknown } | undefined)?.code === code;
