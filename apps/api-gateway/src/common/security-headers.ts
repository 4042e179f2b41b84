import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Every JSON answer (OWASP REST Security Cheat Sheet, "Security Headers"): answers carry tokens and account data, so
 * no cache may store them (RFC 6749 §5.1 asks this of token responses); nothing may frame or sniff them. Helmet's
 * other headers only matter to HTML pages. A route that may be cached (the key set, the probes) sets its own
 * `cache-control`.
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});

/** The one HTML page (Swagger UI under /api/docs) runs an inline script and inline styles. */
export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", "'unsafe-inline'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
    },
  },
};

/**
 * The headers helmet sets for `options`, computed once. With no nonces and no per-request directives they are the
 * same on every response, and `@fastify/helmet` rebuilt them on every request (its cost: docs/performance.md).
 */
export function securityHeaders(options: Readonly<HelmetOptions> = HELMET_OPTIONS): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name];
    },
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    finished = true;
  });
  // helmet's middlewares are synchronous; if a future version is not, fail at start-up rather than send no headers.
  if (!finished) throw new Error('helmet did not finish synchronously: cannot precompute the security headers');
  return Object.freeze(headers);
}
