/**
 * A process that cannot start says why, whatever the log level: the lines written just before `process.exit` are
 * not left in the logger's batch.
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_MAIN, runNodeScript } from './support/processes';

describe('a start-up failure is logged', () => {
  let blocker: Server;
  let port = 0;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    port = address.port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  });

  it.each(['warn', 'error'])(
    'the gateway on a port in use exits 1 and names the cause at LOG_LEVEL=%s',
    async (level) => {
      const run = await runNodeScript({
        suite: 'startup-failure',
        name: `gateway-${level}`,
        script: GATEWAY_MAIN,
        args: [],
        cwd: mkdtempSync(join(tmpdir(), 'startup-failure-')),
        env: { NODE_ENV: 'test', LOG_LEVEL: level, HOST: '127.0.0.1', PORT: String(port), AUTH_TCP_PORT: '1' },
      });
      expect({ code: run.code, namesTheCause: run.output.includes('EADDRINUSE') }).toEqual({
        code: 1,
        namesTheCause: true,
      });
    },
  );
});
