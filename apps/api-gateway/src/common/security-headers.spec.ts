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
  it('tell every cache not to store an answer, and a browser not to frame, sniff or run it', () => {
    expect(API_SECURITY_HEADERS['cache-control']).toBe('no-store');
    expect(API_SECURITY_HEADERS['content-security-policy']?.split('; ').sort()).toEqual([
      "default-src 'none'",
      "frame-ancestors 'none'",
    ]);
    expect(API_SECURITY_HEADERS['x-frame-options']).toBe('DENY');
    expect(API_SECURITY_HEADERS['x-content-type-options']).toBe('nosniff');
    expect(Object.isFrozen(API_SECURITY_HEADERS)).toBe(true);
  });

  it("leave out helmet's headers that only matter to HTML pages", () => {
    const htmlOnly = Object.keys(securityHeaders())
      .map((name) => name.toLowerCase())
      .filter((name) => !(name in API_SECURITY_HEADERS));
    expect(htmlOnly).toEqual(expect.arrayContaining(['x-dns-prefetch-control', 'x-download-options']));
    expect(Object.keys(API_SECURITY_HEADERS)).toHaveLength(6);
  });
});
