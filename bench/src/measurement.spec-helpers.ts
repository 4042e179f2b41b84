import type { Measurement } from './load';

/** A measurement with the figures a spec cares about; the rest plausible. */
export function measurement(rps: number, latency: Partial<Measurement['latency']> = {}, errors = 0): Measurement {
  return {
    rps,
    total: Math.round(rps * 10),
    durationS: 10,
    connections: 50,
    latency: { p50: 1, p99: 2, max: 3, mean: 1, ...latency },
    errors: { non2xx: errors, errors: 0, timeouts: 0, total: errors },
    statusCodes: { '200': Math.round(rps * 10) },
  };
}
