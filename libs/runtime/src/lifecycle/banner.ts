/**
 * The start-up banner: what runs, where, and on what. One line: every log line's text is escaped (no line can be
 * forged), so a line break would show as `\n` in pretty and JSON logs alike.
 */
export function banner(title: string, entries: Record<string, string>): string {
  return `${title}: ${Object.entries(entries)
    .map(([key, value]) => `${key} ${value}`)
    .join(' · ')}`;
}
