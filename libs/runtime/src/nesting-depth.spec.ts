import { findExcessiveNesting, MAX_NESTING_DEPTH } from './nesting-depth';

/** `depth` levels around 1: objects, arrays, or each in turn; built without recursion. */
function nested(depth: number, kind: 'object' | 'array' | 'mixed'): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) {
    const object = kind === 'object' || (kind === 'mixed' && level % 2 === 0);
    value = object ? { a: value } : [value];
  }
  return value;
}

describe('findExcessiveNesting', () => {
  it.each([null, undefined, 1, 'text', true])('a scalar (%p) never nests', (value) => {
    expect(findExcessiveNesting(value, 0)).toBeUndefined();
  });

  it.each(['object', 'array', 'mixed'] as const)(
    '%s nesting: exactly the limit passes, one more level does not',
    (kind) => {
      expect(findExcessiveNesting(nested(MAX_NESTING_DEPTH, kind))).toBeUndefined();
      expect(findExcessiveNesting(nested(MAX_NESTING_DEPTH + 1, kind))).toBe(kind === 'array' ? '' : 'a');
    },
  );

  it('counts a top-level object as level 1 and names the top-level key that goes too deep', () => {
    const value = { ok: { b: 1 }, list: [1, [2]], deep: [[[1]]] };

    expect(findExcessiveNesting(value, 3)).toBe('deep');
    expect(findExcessiveNesting(value, 4)).toBeUndefined();
    expect(findExcessiveNesting({}, 1)).toBeUndefined();
    expect(findExcessiveNesting({ a: {} }, 1)).toBe('a');
  });

  it('checks 100,000 levels without a stack overflow', () => {
    expect(findExcessiveNesting({ username: nested(100_000, 'mixed') })).toBe('username');
  });

  it('finds a deep branch among many shallow siblings', () => {
    const wide = Object.fromEntries(Array.from({ length: 1_000 }, (_, index) => [`k${index}`, { v: [index] }]));

    expect(findExcessiveNesting({ ...wide, last: nested(40, 'object') })).toBe('last');
    expect(findExcessiveNesting(wide)).toBeUndefined();
  });
});
