import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import helmet from 'helmet';
import { API_SECURITY_HEADERS, HELMET_OPTIONS, securityHeaders } from './security-headers';

/** What helmet itself sets on a real Node response. */
function headersFromHelmet(): Record<string, string> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  response.setHeader('x-powered-by', 'something');
  helmet(HELMET_OPTIONS)(request, response, () => undefined);
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]));
}

describe('securityHeaders', () => {
  it('are exactly the headers helmet sets on a response, with the same values', () => {
    const precomputed = Object.fromEntries(
      Object.entries(securityHeaders()).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const fromHelmet = headersFromHelmet();
    // helmet removes X-Powered-By; the precomputed set never adds it.
    expect(fromHelmet['x-powered-by']).toBeUndefined();
    expect(precomputed).toEqual(fromHelmet);
  });

  it('carry the CSP that lets Swagger UI run, and the usual hardening headers', () => {
    const headers = securityHeaders();
    expect(headers['Content-Security-Policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(headers['Content-Security-Policy']).toContain("img-src 'self' data:");
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
    expect(Object.isFrozen(headers)).toBe(true);
  });

  it('follow the options they are given', () => {
    expect(securityHeaders({ contentSecurityPolicy: false })['Content-Security-Policy']).toBeUndefined();
  });
});

describe('API_SECURITY_HEADERS', () => {
  it('are the OWASP REST set: never stored, never framed, never sniffed, HTTPS only, no referrer', () => {
    expect(API_SECURITY_HEADERS).toEqual({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    expect(Object.isFrozen(API_SECURITY_HEADERS)).toBe(true);
  });
});
