/**
 * How deeply objects and arrays may nest in anything either entry point accepts (an HTTP body, a TCP payload or
 * its `meta`). No DTO of the contract goes beyond 2 levels; class-transformer recurses once per level and
 * overflows the stack at a few thousand, which turned such a request into a 500 (HTTP) or no reply at all (TCP).
 */
export const MAX_NESTING_DEPTH = 32;

/**
 * Where `value` nests deeper than `maxDepth` levels (a top-level object or array is level 1): the top-level key
 * under which it does (`''` when the value itself is an array), or `undefined` when it does not. Iterative, so any
 * depth is checked in constant stack; it visits each value once and stops at the first one too deep.
 */
export function findExcessiveNesting(value: unknown, maxDepth = MAX_NESTING_DEPTH): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const pending: Array<{ value: object; depth: number; top: string | undefined }> = [
    { value, depth: 1, top: undefined },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > maxDepth) return next.top ?? '';
    const isArray = Array.isArray(next.value);
    const entries: Array<[string, unknown]> = isArray
      ? (next.value as unknown[]).map((child) => ['', child])
      : Object.entries(next.value);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null) {
        pending.push({ value: child, depth: next.depth + 1, top: next.top ?? key });
      }
    }
  }
  return undefined;
}

/** The message of the validation error for a value nested too deeply. */
export const NESTING_TOO_DEEP_MESSAGE = `must not nest objects or arrays more than ${MAX_NESTING_DEPTH} levels deep`;
