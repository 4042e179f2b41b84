import { Registry } from 'prom-client';
import { AuthRpcMetrics } from './auth-rpc.metrics';
import { HttpMetrics } from './http.metrics';
import { MetricsController } from './metrics.controller';

describe('MetricsController', () => {
  it('answers the registry in the Prometheus text format, with what was recorded', async () => {
    const registry = new Registry();
    new HttpMetrics(registry).observe({ method: 'POST', route: '/api/auth/login', statusCode: 401, durationMs: 12 });
    new AuthRpcMetrics(registry).startCall('auth.login')('INVALID_CREDENTIALS');

    const text = await new MetricsController(registry).scrape();

    expect(text).toContain('# HELP http_request_duration_seconds ');
    expect(text).toContain(
      'http_request_duration_seconds_count{method="POST",route="/api/auth/login",status_code="401"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.025",method="POST",route="/api/auth/login",status_code="401"} 1',
    );
    expect(text).toContain(
      'auth_rpc_client_duration_seconds_count{pattern="auth.login",outcome="INVALID_CREDENTIALS"} 1',
    );
  });

  it('declares the Prometheus text content type', () => {
    const headers: unknown = Reflect.getMetadata('__headers__', MetricsController.prototype.scrape);

    expect(headers).toEqual(
      expect.arrayContaining([{ name: 'Content-Type', value: 'text/plain; version=0.0.4; charset=utf-8' }]),
    );
  });
});
