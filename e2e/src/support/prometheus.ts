/** One sample of the Prometheus text format: `name{label="value",…} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabelValue(value: string): string {
  return value.replace(/\\(.)/g, (_match, char: string) => (char === 'n' ? '\n' : char));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Every sample of a scrape; comment lines (`# HELP`, `# TYPE`) are skipped. Throws on a line it cannot read. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) throw new Error(`Not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL_PAIR)) labels[key] = unescapeLabelValue(value);
    samples.push({ name: match[1], labels, value: parseValue(match[3]) });
  }
  return samples;
}

/** One scrape of a `/metrics` endpoint. */
export class MetricsSnapshot {
  readonly samples: Sample[];

  constructor(readonly text: string) {
    this.samples = parsePrometheusText(text);
  }

  /** The declared type of a metric family (`# TYPE name type`), or undefined. */
  typeOf(name: string): string | undefined {
    return new RegExp(`^# TYPE ${name} (\\S+)$`, 'm').exec(this.text)?.[1];
  }

  /**
   * The value of the one sample called `name` whose labels include `labels`, or undefined if there is
   * none. Throws if several match: the labels given must pick out one series.
   */
  value(name: string, labels: Record<string, string> = {}): number | undefined {
    const matches = this.samples.filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
    if (matches.length > 1) {
      throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}: name more labels`);
    }
    return matches[0]?.value;
  }
}

/** GETs `url`, checks the status and the Prometheus content type, and parses the body. */
export async function scrapeMetrics(url: string): Promise<MetricsSnapshot> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
  const contentType = response.headers.get('content-type');
  if (contentType !== PROMETHEUS_CONTENT_TYPE) throw new Error(`GET ${url}: content-type ${contentType}`);
  return new MetricsSnapshot(text);
}

/** Refresh requests the gateway at `gatewayUrl` has answered with `status`, from its own `/metrics`. */
export async function refreshesAnswered(gatewayUrl: string, status: string): Promise<number> {
  const metrics = await scrapeMetrics(`${gatewayUrl}/metrics`);
  return (
    metrics.value('http_request_duration_seconds_count', {
      method: 'POST',
      route: '/api/auth/refresh',
      status_code: status,
    }) ?? 0
  );
}
