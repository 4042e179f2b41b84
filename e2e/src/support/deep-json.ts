/**
 * Deeply nested JSON texts, built as strings (never by recursion, so any depth can be made): the input class that
 * once overflowed class-transformer's stack on both entry points. A level is an object (`{"":…}`: 5 characters, so 3,000 levels fit in the 16 KB body limit), an array
 * (`[…]`) or, for `mixed`, each in turn.
 */
export type NestingKind = 'object' | 'array' | 'mixed';

export const NESTING_KINDS: readonly NestingKind[] = ['object', 'array', 'mixed'];

/** Nesting deeper than the entry points accept (32 levels), and deep enough to overflow an unbounded recursion. */
export const DEEP_NESTING = 3_000;

/** `depth` levels of `kind` around `leaf` (a JSON text), e.g. `deepJson(2, 'mixed')` = `{"":[1]}`. */
export function deepJson(depth: number, kind: NestingKind, leaf = '1'): string {
  let open = '';
  let close = '';
  for (let level = 0; level < depth; level++) {
    const object = kind === 'object' || (kind === 'mixed' && level % 2 === 0);
    open += object ? '{"":' : '[';
    close = (object ? '}' : ']') + close;
  }
  return `${open}${leaf}${close}`;
}

/** A JSON object text whose `field` is `nested` (a JSON text) and whose other fields are `rest`. */
export function objectWithField(field: string, nested: string, rest: Record<string, unknown> = {}): string {
  const others = JSON.stringify(rest).slice(1, -1);
  return `{${others}${others ? ',' : ''}${JSON.stringify(field)}:${nested}}`;
}
