/**
 * Text a peer controls (a frame it sent, a pattern, a meta field, an error quoting either) must not be able to
 * forge log lines: a raw line break ends the line and lets whatever follows pose as a line of its own (in pretty
 * logs, and in any viewer that honours U+2028/2029), and an ANSI escape can rewrite what a terminal shows. Every
 * string that reaches a log line is escaped and bounded here, by the logger itself (see `pinoOptions`).
 */

/** Longest string (characters) a log line carries as it was given; the rest is replaced by a count. */
export const MAX_LOG_STRING_LENGTH = 4096;

/** C0 and C1 controls, DEL, the Unicode line and paragraph separators, and bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');
const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeCharacter(character: string): string {
  return SHORT_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with every unsafe character written as an escape (`\n`, `\u001b`…), at most `max` characters long. */
export function escapeLogText(text: string, max = MAX_LOG_STRING_LENGTH): string {
  const kept = text.length > max ? text.slice(0, max) : text;
  const escaped = UNSAFE.test(kept) ? kept.replace(UNSAFE_ALL, escapeCharacter) : kept;
  if (escaped.length <= max && kept === text) return escaped;
  return `${escaped.slice(0, max)}…[cut: ${text.length} characters in all]`;
}

/** Nesting below this depth is logged as it is (nothing the service logs goes this deep). */
const MAX_DEPTH = 6;

/**
 * `value` with every string in it (object keys included) passed through `escapeLogText`. Plain objects and arrays
 * are copied only where something changed; other objects (errors, dates, buffers) are left to pino's serializers.
 */
export function escapeLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return escapeLogText(value);
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const escaped = escapeLogValue(item, depth + 1);
      if (escaped !== item) (copy ??= [...value])[index] = escaped;
    });
    return copy ?? value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return escapeLogFields(value as Record<string, unknown>, depth);
}

/** A log line's fields, as `escapeLogValue` leaves them. */
export function escapeLogFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    const escapedKey = escapeLogText(key, 256);
    const escaped = escapeLogValue(value, depth + 1);
    if (escaped === value && escapedKey === key) continue;
    copy ??= { ...fields };
    if (escapedKey !== key) delete copy[key];
    copy[escapedKey] = escaped;
  }
  return copy ?? fields;
}
