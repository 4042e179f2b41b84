import { Counter } from 'prom-client';
import { createMetricsRegistry } from './metrics-registry';

describe('createMetricsRegistry', () => {
  it('collects the standard process and Node.js series without a prefix, labelled with the service', async () => {
    const text = await createMetricsRegistry('spec-a').metrics();

    expect(text).toMatch(/^process_cpu_user_seconds_total\{service="spec-a"\} \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes\{service="spec-a"\} \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds\{service="spec-a"\} \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes\{service="spec-a"\} \d/m);
  });

  it('labels the app’s own series with the service too', async () => {
    const registry = createMetricsRegistry('spec-b');
    new Counter({ name: 'spec_things_total', help: 'things', labelNames: ['kind'], registers: [registry] }).inc({
      kind: 'x',
    });

    expect(await registry.metrics()).toContain('spec_things_total{kind="x",service="spec-b"} 1');
  });

  it('gives each call its own registry: the same names can be registered twice without a clash', async () => {
    const first = createMetricsRegistry('spec-c');
    const second = createMetricsRegistry('spec-d');
    new Counter({ name: 'spec_only_in_first_total', help: 'x', registers: [first] });

    expect(await first.metrics()).toContain('spec_only_in_first_total');
    expect(await second.metrics()).not.toContain('spec_only_in_first_total');
    expect(await second.metrics()).toContain('process_cpu_user_seconds_total{service="spec-d"}');
  });
});
