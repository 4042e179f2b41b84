/**
 * Summarises a V8 `.cpuprofile` (from `npm run bench -- --profile`): where the samples fell, by function (self
 * time) and by package or source directory, and the inclusive time of functions matching a pattern.
 *
 *   npx ts-node --transpile-only -P bench/tsconfig.json bench/src/profile-summary.ts <file.cpuprofile> [top] [pattern]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

/** `node_modules/<package>` (scoped too), `dist/<app>`, `node:<module>`, or a category like (garbage collector). */
export function bucketOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  if (url.startsWith('node:')) return url;
  const webpack = /webpack:\/\/[^/]*\/(.+?)(\?|$)/.exec(url);
  if (webpack?.[1]) return webpack[1].replace(/^\.\//, '').split('/').slice(0, 4).join('/');
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-3)
    .join('/');
}

export function summarise(profile: Profile, top: number, pattern?: RegExp): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const functions = new Map<string, number>();
  const buckets = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, count] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + count);
    const bucket = bucketOf(url, functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + count);
    if (!pattern) continue;
    const seen = new Set<string>(); // count a sample once per function, however deep the recursion
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      const label = frame && `${frame.functionName} ${frame.url.split('/').slice(-1)[0]}:${frame.lineNumber + 1}`;
      if (label && pattern.test(label) && !seen.has(label)) {
        seen.add(label);
        inclusive.set(label, (inclusive.get(label) ?? 0) + count);
      }
    }
  }
  const list = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => `${((100 * count) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  const parts = [`${total} samples`, 'Self time by package / directory:', list(buckets), 'Self time by function:'];
  parts.push(list(functions));
  if (pattern) parts.push(`Inclusive time of functions matching ${pattern}:`, list(inclusive));
  return parts.join('\n');
}

if (require.main === module) {
  const [file, top = '30', pattern] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('Usage: profile-summary.ts <file.cpuprofile> [top] [pattern]\n');
    process.exit(1);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  process.stdout.write(`${summarise(profile, Number(top), pattern ? new RegExp(pattern) : undefined)}\n`);
}
