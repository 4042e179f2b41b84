import { demoWebHeaders } from './demo-web';

describe('demoWebHeaders', () => {
  it("lets the page connect to itself and the gateway's origin only, and never be framed", () => {
    const headers = demoWebHeaders('https://auth.example.com/some/path');
    const policy = headers['content-security-policy'] ?? '';

    expect(policy.split('; ')).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "connect-src 'self' https://auth.example.com",
        "object-src 'none'",
        "frame-ancestors 'none'",
      ]),
    );
    expect(policy).not.toContain('unsafe');
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  });
});
