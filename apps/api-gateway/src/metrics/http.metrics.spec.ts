import { Registry } from 'prom-client';
import { HttpMetrics, UNMATCHED_ROUTE } from './http.metrics';

describe('HttpMetrics', () => {
  const scrape = (observe: (metrics: HttpMetrics) => void): Promise<string> => {
    const registry = new Registry();
    observe(new HttpMetrics(registry));
    return registry.metrics();
  };

  it('records one observation in seconds, labelled with method, route and status code', async () => {
    const text = await scrape((metrics) =>
      metrics.observe({ method: 'POST', route: '/api/auth/signup', statusCode: 201, durationMs: 30 }),
    );

    expect(text).toContain(
      'http_request_duration_seconds_count{method="POST",route="/api/auth/signup",status_code="201"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_sum{method="POST",route="/api/auth/signup",status_code="201"} 0.03',
    );
  });

  it(`labels a request without a route "${UNMATCHED_ROUTE}"`, async () => {
    const text = await scrape((metrics) =>
      metrics.observe({ method: 'GET', route: undefined, statusCode: 404, durationMs: 1 }),
    );

    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1');
  });

  it('counts methods outside the usual set as OTHER, so method names cannot multiply the series', async () => {
    const text = await scrape((metrics) => {
      for (const method of ['PROPFIND', 'MKCOL', 'BREW']) {
        metrics.observe({ method, route: undefined, statusCode: 404, durationMs: 1 });
      }
    });

    expect(text).toContain('http_request_duration_seconds_count{method="OTHER",route="unmatched",status_code="404"} 3');
    expect(text).not.toMatch(/PROPFIND|MKCOL|BREW/);
  });
});
