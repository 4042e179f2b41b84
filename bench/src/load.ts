import autocannon from 'autocannon';

/** What one measurement yields, for an HTTP scenario or the hash baseline alike. */
export interface Measurement {
  /** Completed operations per second (HTTP responses of any status, or hashes). */
  rps: number;
  /** Operations completed in the measured window. */
  total: number;
  durationS: number;
  connections: number;
  /** Milliseconds (autocannon's resolution: 1 ms). */
  latency: { p50: number; p99: number; max: number; mean: number };
  /** `total` = non-2xx responses + socket errors (autocannon counts timeouts among them). */
  errors: { non2xx: number; errors: number; timeouts: number; total: number };
  statusCodes: Record<string, number>;
}

/** autocannon's result, reduced to what the report shows. */
export function summarise(result: autocannon.Result): Measurement {
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  const total = Object.values(statusCodes).reduce((sum, count) => sum + count, 0);
  return {
    rps: result.duration > 0 ? total / result.duration : 0,
    total,
    durationS: result.duration,
    connections: result.connections,
    latency: {
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    errors: {
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      total: result.non2xx + result.errors,
    },
    statusCodes,
  };
}

export type LoadOptions = Omit<autocannon.Options, 'duration' | 'connections'> & {
  connections: number;
  durationS: number;
};

/** One autocannon run through its Node API; resolves with its summary. */
export async function fire(options: LoadOptions): Promise<Measurement> {
  const { durationS, ...rest } = options;
  const result = await autocannon({ timeout: 10, ...rest, duration: durationS });
  return summarise(result);
}

/** A warm-up run (thrown away), then the measured one. */
export async function measure(options: LoadOptions, warmupS: number): Promise<Measurement> {
  if (warmupS > 0) await fire({ ...options, durationS: warmupS });
  return fire(options);
}
