/** The start-up banner: what runs, where, and on what. One log entry, readable in pretty and JSON logs. */
export function banner(title: string, entries: Record<string, string>): string {
  const width = Math.max(...Object.keys(entries).map((key) => key.length));
  const lines = Object.entries(entries).map(([key, value]) => `  ${key.padEnd(width)}  ${value}`);
  return [title, ...lines].join('\n');
}
