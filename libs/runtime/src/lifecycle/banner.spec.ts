import { escapeLogText } from '../logging/log-text';
import { banner } from './banner';

describe('banner', () => {
  const text = banner('Gateway ready', { api: 'http://localhost:3000/api', 'auth service': 'tcp://127.0.0.1:3001' });

  it('puts every entry after the title, on one line', () => {
    expect(text).toBe('Gateway ready: api http://localhost:3000/api · auth service tcp://127.0.0.1:3001');
  });

  it('reads the same once escaped for a log line (no line break to show as \\n)', () => {
    expect(escapeLogText(text)).toBe(text);
  });
});
