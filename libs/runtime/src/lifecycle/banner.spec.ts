import { banner } from './banner';

describe('banner', () => {
  it('lists every entry under the title, values aligned', () => {
    expect(banner('Gateway ready', { api: 'http://localhost:3000/api', 'auth service': 'tcp://127.0.0.1:3001' })).toBe(
      ['Gateway ready', '  api           http://localhost:3000/api', '  auth service  tcp://127.0.0.1:3001'].join('\n'),
    );
  });
});
