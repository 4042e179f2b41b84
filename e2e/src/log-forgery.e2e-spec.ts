/**
 * Logs cannot be forged (issue 16, item 9): whatever a TCP peer sends — a frame that is not JSON, a corrupted
 * length prefix, a pattern, meta fields — reaches the log escaped (no raw line break, carriage return, ANSI escape
 * or U+2028/2029) and truncated, in pretty logs (NODE_ENV=development) and JSON logs (any other NODE_ENV) alike.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { encodeFrame, RawTcpClient } from './support/nest-tcp';
import { getFreePort } from './support/ports';
import type { AppProcess } from './support/processes';
import { createAuthProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import { pollUntil } from './support/util';

const FORGED = '{"level":50,"time":1,"service":"auth-microservice","msg":"FORGED-LINE"}';
/** What a hostile peer would like to see as lines of their own in the log. */
const PAYLOAD = `\n${FORGED}\r\n${FORGED}\u001b[2K\u001b[31mFORGED-ANSI\u2028FORGED-LS\u2029FORGED-PS\u0085\u0007`;
/** No log line may be anywhere near as long as what the peer sent. */
const MAX_LINE_LENGTH = 20_000;
const SECRET = randomBytes(48).toString('base64');

/** Everything a peer can put in front of the logger, each on its own connection (most of them cost it). */
async function sendForgeries(port: number): Promise<void> {
  const attempts: string[] = [
    // Not JSON: the framing error quotes the data it could not parse.
    (() => {
      const text = `{"pattern":"auth.login","id":"x"${PAYLOAD}${'x'.repeat(40_000)}`;
      return `${text.length}#${text}`;
    })(),
    // A corrupted length prefix: quoted too.
    `x${PAYLOAD}#{}`,
    // Well-formed frames whose pattern, id and meta carry the payload.
    encodeFrame({ pattern: `auth.login${PAYLOAD}`, data: {}, id: `id${PAYLOAD}` }),
    encodeFrame({
      pattern: 'auth.login',
      data: { meta: { requestId: `r${PAYLOAD}`, userAgent: `ua${PAYLOAD}` }, payload: {} },
      id: `id${PAYLOAD}`,
    }),
    encodeFrame({
      pattern: 'auth.login',
      data: { meta: { requestId: 'e2e-forgery-ok', userAgent: `ua${PAYLOAD}` }, payload: { username: PAYLOAD } },
      id: 'forgery-4',
    }),
    encodeFrame({ pattern: `auth.login${PAYLOAD}`, data: { meta: { requestId: 'x' } } }),
  ];
  for (const frame of attempts) {
    const client = await RawTcpClient.connect(port, LOCALHOST);
    await client.write(frame);
    await client.stillOpenAfter(300);
    client.destroy();
  }
}

function expectNoForgedLine(log: string, isLegitimateLine: (line: string) => boolean): void {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  expect(log).not.toMatch(/[\r\u001b\u2028\u2029\u0085\u0007]/);
  const lines = log.split('\n').filter((line) => line.length > 0);
  const forged = lines.filter((line) => line.includes('FORGED') && !isLegitimateLine(line));
  expect(forged).toEqual([]);
  expect(lines.filter((line) => line.startsWith(FORGED.slice(0, 10)))).toEqual([]);
  expect(Math.max(...lines.map((line) => line.length))).toBeLessThan(MAX_LINE_LENGTH);
}

describe('log lines cannot be forged by a TCP peer', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };

  beforeAll(async () => {
    system = await startSystem({
      suite: 'log-forgery',
      transport: 'tcp',
      authEnv: {
        NODE_ENV: 'production',
        LOG_LEVEL: 'debug',
        SIGNING_KEY_ENCRYPTION_SECRET: SECRET,
        MAIL_ENABLED: 'false',
      },
    });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  const waitForLog = (process: AppProcess): Promise<string> =>
    pollUntil(
      async () => {
        const log = await readFile(process.logFile, 'utf8');
        return log.includes('FORGED') && log.includes('Corrupted length') ? log : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 100, description: `the peer's bytes in ${process.logFile}` },
    );

  it('in JSON logs: every line is one JSON object, with the peer bytes escaped and truncated', async () => {
    await sendForgeries(sys().authPort);
    const log = await waitForLog(sys().auth);
    expectNoForgedLine(log, (line) => {
      try {
        return typeof JSON.parse(line) === 'object';
      } catch {
        return false;
      }
    });
  });

  it('in pretty logs: every line carrying the peer bytes is a line the service wrote', async () => {
    const port = await getFreePort(LOCALHOST);
    const pretty = createAuthProcess({
      suite: 'log-forgery',
      name: 'auth-pretty',
      cwd: sys().workDir,
      link: { transport: 'tcp', port },
      databaseUrl: sys().database.url,
      env: { NODE_ENV: 'development', LOG_LEVEL: 'debug', SIGNING_KEY_ENCRYPTION_SECRET: SECRET },
    });
    try {
      await pretty.start();
      await sendForgeries(port);
      const log = await waitForLog(pretty);
      // pino-pretty's lines: `[HH:MM:SS.mmm] LEVEL: message {fields}`.
      expectNoForgedLine(log, (line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] [A-Z]+: /.test(line));
    } finally {
      await pretty.stop();
    }
  });
});
