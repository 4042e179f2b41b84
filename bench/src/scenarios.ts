import type autocannon from 'autocannon';
import type { LoadOptions } from './load';
import { BENCH_PASSWORD, JSON_HEADERS, loginBody, type Session } from './sessions';

/** Connections and rate of the liveness probe during the login flood: steady probing, not a second flood. */
export const LIVE_PROBE = { connections: 10, overallRate: 1_000 };

type Base = { baseUrl: string; connections: number; durationS: number };

const bearer = (session: Session) => ({ authorization: `Bearer ${session.accessToken}` });

/**
 * A GET of `path` with each session's access token in turn: autocannon cycles through the prebuilt requests, one
 * distinct user and token per request, so the gateway's verified-token cache sees as many tokens as users.
 */
export function tokenRoute(base: Base, path: string, sessions: readonly Session[]): LoadOptions {
  return {
    url: base.baseUrl,
    connections: base.connections,
    durationS: base.durationS,
    requests: sessions.map((session) => ({ method: 'GET', path, headers: bearer(session) })),
  };
}

/**
 * Logins of the given users with their correct passwords, taken in turn by all connections together, so that one user
 * is in flight once at a time, as when many people log in: the brute-force throttle counts an attempt as a failure of
 * its (account, client) until its password is found correct, so 50 simultaneous logins of one account from one client
 * would be throttled, as a parallel guessing attack is.
 */
export function loginRoute(base: Base, usernames: readonly string[]): LoadOptions {
  let next = 0;
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/auth/login',
    headers: JSON_HEADERS,
    setupRequest: (request) => ({ ...request, body: loginBody(usernames[next++ % usernames.length]) }),
  };
  return { url: base.baseUrl, connections: base.connections, durationS: base.durationS, requests: [request] };
}

/** Sign-ups, each with a name never used before (`<prefix><n>`, n counting across warm-up and measurement). */
export function signupRoute(base: Base, prefix: string): LoadOptions {
  let counter = 0;
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/auth/signup',
    headers: JSON_HEADERS,
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ username: `${prefix}${counter++}`, password: BENCH_PASSWORD }),
    }),
  };
  return { url: base.baseUrl, connections: base.connections, durationS: base.durationS, requests: [request] };
}

/**
 * Refreshes. A refresh token is single-use, so the scenario keeps a pool: each request takes one token out, and its
 * answer puts the new one back. Tokens in flight when a run stops are lost (the server may have used them), so the
 * pool needs a few times `connections` tokens; an empty pool sends an unknown token, which shows up as errors.
 */
export function refreshRoute(base: Base, pool: string[]): LoadOptions {
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/auth/refresh',
    headers: JSON_HEADERS,
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ refreshToken: pool.shift() ?? 'pool-ran-dry-pool-ran-dry-pool-ran-dry-00000' }),
    }),
    onResponse: (status, body) => {
      if (status === 200) pool.push((JSON.parse(body) as { refreshToken: string }).refreshToken);
    },
  };
  return { url: base.baseUrl, connections: base.connections, durationS: base.durationS, requests: [request] };
}

/** The liveness probe of the flood scenario (10 connections, 1,000 requests/s in all). */
export function liveProbe(base: Base): LoadOptions {
  return {
    url: `${base.baseUrl}/api/health/live`,
    connections: LIVE_PROBE.connections,
    overallRate: LIVE_PROBE.overallRate,
    // With a rate, autocannon would add "expected" samples at 1 ms intervals for every slow answer, which skews
    // the histogram: count each probe once, as it happened.
    ignoreCoordinatedOmission: true,
    durationS: base.durationS,
  };
}
