import { escapeLogFields, escapeLogText, escapeLogValue, MAX_LOG_STRING_LENGTH } from './log-text';

describe('escapeLogText', () => {
  it('leaves ordinary text as it is, non-ASCII letters included', () => {
    const text = 'Closed the connection from 127.0.0.1:4000: Überlänge — ok';
    expect(escapeLogText(text)).toBe(text);
  });

  it('escapes line breaks, carriage returns, tabs, ANSI escapes, C1 controls, U+2028/2029 and bidi overrides', () => {
    expect(escapeLogText('a\nb\r\tc\u001b[31md\u0085e\u2028f\u2029g\u202eh\u007f')).toBe(
      'a\\nb\\r\\tc\\u001b[31md\\u0085e\\u2028f\\u2029g\\u202eh\\u007f',
    );
  });

  it('cuts long text, escapes included, and says how long it was', () => {
    const cut = escapeLogText('x'.repeat(MAX_LOG_STRING_LENGTH + 10));
    expect(cut.startsWith('x'.repeat(MAX_LOG_STRING_LENGTH))).toBe(true);
    expect(cut).toMatch(/…\[cut: 4106 characters in all\]$/);
    const escapes = escapeLogText('\u0001'.repeat(100), 50);
    expect(escapes.length).toBeLessThan(100);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(escapes).not.toMatch(/\u0001/);
  });
});

describe('escapeLogFields', () => {
  it('escapes strings at any depth, keys included, and copies only what changed', () => {
    const untouched = { a: 'plain', n: 1, nested: { b: 'fine' } };
    expect(escapeLogFields(untouched)).toBe(untouched);
    const fields = { pattern: 'x\ny', nested: { list: ['ok', 'a\rb'] }, 'k\n': 1 };
    expect(escapeLogFields(fields)).toEqual({ pattern: 'x\\ny', nested: { list: ['ok', 'a\\rb'] }, 'k\\n': 1 });
    expect(fields.pattern).toBe('x\ny');
  });

  it('leaves errors, dates and buffers to their serializers', () => {
    const error = new Error('a\nb');
    expect(escapeLogValue(error)).toBe(error);
    const date = new Date(0);
    expect(escapeLogValue(date)).toBe(date);
  });
});
