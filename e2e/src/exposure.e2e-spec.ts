/**
 * What the gateway exposes besides the API: Swagger UI (`/api/docs`, `/api/docs-json`) and Prometheus metrics
 * (`/metrics`). Several gateways in front of one auth service, each configured differently: docs off by default with
 * NODE_ENV=production and on again with DOCS_ENABLED=true; both turned off with DOCS_ENABLED / METRICS_ENABLED=false;
 * metrics moved to a port of their own with METRICS_PORT (and then no longer on the public one).
 */
import { expectError } from './support/contract';
import { HttpClient } from './support/http';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { PROMETHEUS_CONTENT_TYPE } from './support/prometheus';
import { createGatewayProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';

const SUITE = 'exposure';

describe('docs and metrics exposure of the gateway', () => {
  let system: TestSystem | undefined;
  const gateways: AppProcess[] = [];
  const clients = new Map<string, HttpClient>();
  let metricsPort = 0;

  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  const client = (name: string): HttpClient => {
    const found = clients.get(name);
    if (!found) throw new Error(`gateway ${name} did not start (see beforeAll)`);
    return found;
  };

  const expectDocs = async (http: HttpClient) => {
    const ui = await http.get('/api/docs', { headers: { accept: 'text/html' } });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const json = await http.get('/api/docs-json');
    expect(json.status).toBe(200);
    expect((json.body as { openapi?: unknown }).openapi).toEqual(expect.stringMatching(/^3\./));
  };
  const expectNoDocs = async (http: HttpClient) => {
    expectError(await http.get('/api/docs'), 404, 'NOT_FOUND');
    expectError(await http.get('/api/docs/'), 404, 'NOT_FOUND');
    expectError(await http.get('/api/docs-json'), 404, 'NOT_FOUND');
    expectError(await http.get('/api/docs/swagger-ui-init.js'), 404, 'NOT_FOUND');
  };
  const expectMetrics = async (http: HttpClient) => {
    const response = await http.get('/metrics', { headers: { accept: 'text/plain' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(response.text).toContain('http_request_duration_seconds');
  };
  const expectNoMetrics = async (http: HttpClient) => {
    expectError(await http.get('/metrics'), 404, 'NOT_FOUND');
  };

  beforeAll(async () => {
    system = await startSystem({ suite: SUITE });
    clients.set('default', system.http);
    metricsPort = await getFreePort(LOCALHOST);
    const extra = async (name: string, env: Record<string, string>) => {
      const port = await getFreePort(LOCALHOST);
      const gateway = createGatewayProcess({ suite: SUITE, name, cwd: sys().workDir, port, link: sys().link, env });
      gateways.push(gateway);
      await gateway.start();
      clients.set(name, new HttpClient(`http://${LOCALHOST}:${port}`));
    };
    await Promise.all([
      extra('production', { NODE_ENV: 'production' }),
      extra('production-docs', { NODE_ENV: 'production', DOCS_ENABLED: 'true' }),
      extra('all-off', { DOCS_ENABLED: 'false', METRICS_ENABLED: 'false' }),
      extra('metrics-port', { METRICS_PORT: String(metricsPort) }),
    ]);
  });

  afterAll(async () => {
    const results = await Promise.allSettled([...gateways.map((gateway) => gateway.stop()), system?.teardown()]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  });

  it('by default (NODE_ENV=test): docs and metrics are served', async () => {
    await expectDocs(client('default'));
    await expectMetrics(client('default'));
  });

  it('NODE_ENV=production: no docs (404), metrics still served', async () => {
    await expectNoDocs(client('production'));
    await expectMetrics(client('production'));
  });

  it('NODE_ENV=production with DOCS_ENABLED=true: docs served', async () => {
    await expectDocs(client('production-docs'));
  });

  it('DOCS_ENABLED=false and METRICS_ENABLED=false: neither (404), the API still works', async () => {
    await expectNoDocs(client('all-off'));
    await expectNoMetrics(client('all-off'));
    expect((await client('all-off').get('/api/auth/jwks')).status).toBe(200);
  });

  it('METRICS_PORT: metrics only on that port (loopback by default), not on the public one', async () => {
    await expectNoMetrics(client('metrics-port'));
    const own = new HttpClient(`http://${LOCALHOST}:${metricsPort}`);
    await expectMetrics(own);
    expect((await own.get('/api/auth/jwks')).status).toBe(404);
    await expectDocs(client('metrics-port'));
  });
});
