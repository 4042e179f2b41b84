import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * A registry for one process's metrics: Node's standard process series (`process_*`, `nodejs_*`,
 * without a prefix) plus whatever the app registers, every series labelled `service="<service>"`.
 * Each app creates its own instead of using prom-client's global registry, so tests that build
 * several never collide.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
