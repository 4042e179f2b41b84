/**
 * The auth service's internal port trusts no one by default (issue 16, item 4): production refuses to start on a
 * public address without mutual TLS (or on NATS without credentials); with mutual TLS, callers may be pinned by
 * certificate name, a caller without a certificate gets no pattern answered, and idle connections are closed (the
 * gateway reconnects); the client IP a caller claims in `meta.clientIp` is only believed from a trusted caller.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { expectLoggedIn, expectSignedUp } from './support/contract';
import { encodeFrame, FrameDecoder, RawTcpClient, rpcData } from './support/nest-tcp';
import { WORKSPACE_ROOT } from './support/paths';
import { getFreePort } from './support/ports';
import { AppProcess, AUTH_MAIN, runNodeScript, tcpConnectProbe } from './support/processes';
import { createAuthProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import { pollUntil, sleep } from './support/util';
import { jsonLines } from './support/log-lines';

const SUITE = 'internal-port';
const SECRET = randomBytes(48).toString('base64');
// Production needs SMTP_URL or mail switched off; this suite is not about mail.
const PRODUCTION = { NODE_ENV: 'production', SIGNING_KEY_ENCRYPTION_SECRET: SECRET, MAIL_ENABLED: 'false' };
const IDLE_TIMEOUT_MS = 1_500;
const USER = 'port_user';
const PASSWORD = 'Internal-Port-Secret-5';
/** Every pattern the auth service answers (libs/shared/src/patterns.ts): none may answer a caller without a certificate. */
const PATTERNS = [
  'auth.signup',
  'auth.login',
  'auth.refresh',
  'auth.logout',
  'auth.logout-all',
  'auth.sessions.list',
  'auth.sessions.end',
  'auth.password.change',
  'auth.jwks',
  'auth.revocations',
  'auth.health',
];

type Certs = Record<'ca' | 'authCert' | 'authKey' | 'gatewayCert' | 'gatewayKey' | 'otherCert' | 'otherKey', string>;

/** The dev certificates, plus a second client certificate from the same CA, named `other-service`. */
function makeCertificates(dir: string): Certs {
  execFileSync('bash', [join(WORKSPACE_ROOT, 'scripts/certs-dev.sh'), dir], { stdio: 'ignore' });
  const file = (name: string) => join(dir, name);
  execFileSync('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    file('other.key'),
  ]);
  execFileSync('openssl', [
    'req',
    '-new',
    '-key',
    file('other.key'),
    '-out',
    file('other.csr'),
    '-subj',
    '/CN=other-service',
  ]);
  execFileSync(
    'bash',
    [
      '-c',
      `openssl x509 -req -in other.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out other.crt -days 2 ` +
        `-extfile <(printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=clientAuth')`,
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  return {
    ca: file('ca.crt'),
    authCert: file('auth.crt'),
    authKey: file('auth.key'),
    gatewayCert: file('gateway.crt'),
    gatewayKey: file('gateway.key'),
    otherCert: file('other.crt'),
    otherKey: file('other.key'),
  };
}

/** Connects with TLS and sends one request of `pattern`; resolves with the reply's JSON, or why there was none. */
async function tlsRequest(
  port: number,
  tls: { ca: Buffer; cert?: Buffer; key?: Buffer },
  pattern: string,
  payload: unknown,
  meta: { clientIp?: string } = {},
): Promise<{ outcome: 'answered'; reply: string } | { outcome: 'refused' | 'timeout' }> {
  return new Promise((resolve) => {
    const decoder = new FrameDecoder();
    const socket = connectTls({ host: LOCALHOST, port, servername: 'localhost', ...tls }, () => {
      socket.write(encodeFrame({ pattern, data: rpcData(payload, randomUUID(), meta), id: 'port-1' }));
    });
    const done = (result: Awaited<ReturnType<typeof tlsRequest>>) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(3_000, () => done({ outcome: 'timeout' }));
    socket.on('data', (chunk: Buffer) => {
      const [reply] = decoder.push(chunk);
      if (reply !== undefined) done({ outcome: 'answered', reply });
    });
    socket.once('error', () => done({ outcome: 'refused' }));
    socket.once('close', () => done({ outcome: 'refused' }));
  });
}

interface LogLine {
  msg?: string;
  event?: string;
  clientIp?: string;
}

/** The client IPs of the `login.failed` audit lines the process has logged so far (JSON logs). */
async function failedLoginIps(process: AppProcess, expected: number): Promise<string[]> {
  return pollUntil(
    async () => {
      const ips = (await jsonLines<LogLine>(process.logFile))
        .filter((line) => line.event === 'login.failed')
        .map((line) => line.clientIp ?? '(none)');
      return ips.length >= expected ? ips : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 50, description: `${expected} login.failed line(s) in ${process.logFile}` },
  );
}

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
const describeWithOpenssl = haveOpenssl || process.env['CI'] ? describe : describe.skip;

describe('production start-up with an exposed internal port', () => {
  let workDir = '';
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'e2e-internal-port-'));
  });
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  const runAuth = async (name: string, env: Record<string, string>) =>
    runNodeScript({
      suite: SUITE,
      name,
      script: AUTH_MAIN,
      args: [],
      cwd: workDir,
      env: {
        ...PRODUCTION,
        LOG_LEVEL: 'warn',
        AUTH_TCP_PORT: String(await getFreePort(LOCALHOST)),
        AUTH_METRICS_PORT: '0',
        DATABASE_URL: `sqlite:${join(workDir, `${name}.sqlite`)}`,
        ...env,
      },
      timeoutMs: 8_000,
    });

  it.each(['0.0.0.0', '::'])(
    'refuses TCP on %s without mutual TLS: exit 1, one line naming AUTH_TCP_HOST',
    async (host) => {
      const run = await runAuth(`refuse-${host.replace(/\W/g, '_')}`, { AUTH_TCP_HOST: host });
      expect(run.code).toBe(1);
      const lines = run.output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/AUTH_TCP_HOST/);
      expect(lines[0]).toMatch(/AUTH_TLS_CA/);
    },
  );

  it('refuses NATS without credentials: exit 1, one line naming the credential settings', async () => {
    const run = await runAuth('refuse-nats', { TRANSPORT: 'nats', NATS_URL: 'nats://127.0.0.1:4222' });
    expect(run.code).toBe(1);
    const lines = run.output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/NATS_TOKEN/);
  });

  it('starts on loopback addresses written in any form', async () => {
    const binds = [
      { host: '127.0.0.2', probe: '127.0.0.2' },
      { host: '::ffff:127.0.0.1', probe: '127.0.0.1' },
      { host: '::1', probe: '::1' },
      { host: 'localhost', probe: 'localhost' },
    ];
    const processes = await Promise.all(
      binds.map(async ({ host, probe }, index) => {
        const port = await getFreePort(LOCALHOST);
        return new AppProcess({
          suite: SUITE,
          name: `loopback-${index}`,
          script: AUTH_MAIN,
          cwd: workDir,
          env: {
            ...PRODUCTION,
            LOG_LEVEL: 'warn',
            AUTH_TCP_HOST: host,
            AUTH_TCP_PORT: String(port),
            AUTH_METRICS_PORT: '0',
            DATABASE_URL: `sqlite:${join(workDir, `loopback-${index}.sqlite`)}`,
          },
          ready: { probe: tcpConnectProbe(probe, port), port },
        });
      }),
    );
    try {
      await Promise.all(processes.map((process) => process.start()));
      for (const process of processes) expect(process.isRunning()).toBe(true);
    } finally {
      await Promise.all(processes.map((process) => process.stop()));
    }
  });
});

describeWithOpenssl('mutual TLS on a public address in production', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  let certsDir = '';
  let certs: Certs;
  let tls: { ca: Buffer; gateway: { cert: Buffer; key: Buffer }; other: { cert: Buffer; key: Buffer } };

  beforeAll(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'e2e-port-certs-'));
    certs = makeCertificates(certsDir);
    const read = (path: string) => readFile(path);
    tls = {
      ca: await read(certs.ca),
      gateway: { cert: await read(certs.gatewayCert), key: await read(certs.gatewayKey) },
      other: { cert: await read(certs.otherCert), key: await read(certs.otherKey) },
    };
    const tlsEnv = { AUTH_TLS_CA: certs.ca };
    system = await startSystem({
      suite: `${SUITE}-tls`,
      transport: 'tcp',
      authEnv: {
        ...PRODUCTION,
        LOG_LEVEL: 'debug',
        ...tlsEnv,
        AUTH_TLS_CERT: certs.authCert,
        AUTH_TLS_KEY: certs.authKey,
        AUTH_TCP_HOST: '0.0.0.0',
        AUTH_TLS_ALLOWED_CLIENTS: 'gateway, some-other-name',
        AUTH_TCP_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
      },
      gatewayEnv: {
        ...tlsEnv,
        AUTH_TLS_CERT: certs.gatewayCert,
        AUTH_TLS_KEY: certs.gatewayKey,
        // The revocation feed polls every second by default: slower here, so the gateway's connection can idle out.
        REVOCATION_SYNC_INTERVAL: '1m',
        REVOCATION_SYNC_STALE_AFTER: '10m',
      },
    });
  });

  afterAll(async () => {
    await system?.teardown();
    if (certsDir) await rm(certsDir, { recursive: true, force: true });
  });

  it('serves the gateway, whose certificate is named in AUTH_TLS_ALLOWED_CLIENTS', async () => {
    expectSignedUp(await sys().http.signup({ username: USER, password: PASSWORD }), USER);
    expectLoggedIn(await sys().http.login({ username: USER, password: PASSWORD }), USER);
  });

  it('disconnects a caller whose certificate our CA signed but whose name is not allowed', async () => {
    const request = (client: { cert: Buffer; key: Buffer }) =>
      tlsRequest(sys().authPort, { ca: tls.ca, ...client }, 'auth.health', {});
    expect((await request(tls.other)).outcome).toBe('refused');
    expect((await request(tls.gateway)).outcome).toBe('answered');
  });

  it.each(PATTERNS)('answers nothing on %s to a caller without a certificate', async (pattern) => {
    await expect(tlsRequest(sys().authPort, { ca: tls.ca }, pattern, {})).resolves.toEqual({ outcome: 'refused' });
    const plain = await RawTcpClient.connect(sys().authPort, LOCALHOST);
    try {
      await expect(plain.request(pattern, {}, 1_000)).rejects.toThrow();
      expect(plain.replies).toEqual([]);
    } finally {
      plain.destroy();
    }
  });

  it('believes meta.clientIp from an authenticated caller', async () => {
    const claimed = '203.0.113.41';
    const result = await tlsRequest(
      sys().authPort,
      { ca: tls.ca, ...tls.gateway },
      'auth.login',
      { username: 'nobody_here', password: 'Wrong-Password-1' },
      { clientIp: claimed },
    );
    expect(result.outcome).toBe('answered');
    expect(await failedLoginIps(sys().auth, 1)).toContain(claimed);
  });

  it('closes idle connections: before the TLS handshake, and after it (an authenticated caller)', async () => {
    const started = performance.now();
    const plain = await RawTcpClient.connect(sys().authPort, LOCALHOST);
    try {
      await plain.waitForClose(IDLE_TIMEOUT_MS + 2_000);
    } finally {
      plain.destroy();
    }
    const authenticated = await new Promise<number>((resolve, reject) => {
      const socket = connectTls({
        host: LOCALHOST,
        port: sys().authPort,
        servername: 'localhost',
        ca: tls.ca,
        ...tls.gateway,
      });
      const opened = performance.now();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('the idle TLS connection is still open'));
      }, IDLE_TIMEOUT_MS + 2_000);
      socket.on('error', () => undefined);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve(performance.now() - opened);
      });
    });
    expect(authenticated).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * IDLE_TIMEOUT_MS - 200);
  });

  it('keeps serving the gateway after its connection idled out', async () => {
    expectLoggedIn(await sys().http.login({ username: USER, password: PASSWORD }), USER);
    const idleCloses = async () =>
      (await jsonLines<LogLine>(sys().auth.logFile)).filter((line) => line.msg?.startsWith('Closed an idle connection'))
        .length;
    const before = await idleCloses();
    await sleep(IDLE_TIMEOUT_MS + 1_000);
    // The gateway's connection was closed by the service while it was idle…
    await pollUntil(async () => ((await idleCloses()) > before ? true : undefined), {
      timeoutMs: 3_000,
      intervalMs: 50,
      description: 'an idle close of the gateway connection in the log',
    });
    // …and its next requests are served on a new one.
    expectLoggedIn(await sys().http.login({ username: USER, password: PASSWORD }), USER);
    expectLoggedIn(await sys().http.login({ username: USER, password: PASSWORD }), USER);
  });
});

describe('meta.clientIp over TCP without TLS', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };

  beforeAll(async () => {
    system = await startSystem({ suite: `${SUITE}-plain`, transport: 'tcp', authEnv: { LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    await system?.teardown();
  });

  const failLogin = async (port: number, clientIp: string): Promise<void> => {
    const client = await RawTcpClient.connect(port, LOCALHOST);
    try {
      const reply = await client.request('auth.login', { username: 'nobody_here', password: 'Wrong-1' }, 5_000, {
        clientIp,
      });
      expect(reply.err).toBeDefined();
    } finally {
      client.destroy();
    }
  };

  it('is believed on a loopback bind (the gateway is the only local caller)', async () => {
    await failLogin(sys().authPort, '203.0.113.51');
    expect(await failedLoginIps(sys().auth, 1)).toEqual(['203.0.113.51']);
  });

  it("is ignored on a public bind: the caller's connection address counts instead", async () => {
    const port = await getFreePort(LOCALHOST);
    const exposed = createAuthProcess({
      suite: `${SUITE}-plain`,
      name: 'auth-public',
      cwd: sys().workDir,
      link: { transport: 'tcp', port },
      databaseUrl: sys().database.url,
      env: { AUTH_TCP_HOST: '0.0.0.0', LOG_LEVEL: 'warn' },
    });
    try {
      await exposed.start();
      await failLogin(port, '203.0.113.52');
      await failLogin(port, '203.0.113.53');
      expect(await failedLoginIps(exposed, 2)).toEqual(['127.0.0.1', '127.0.0.1']);
    } finally {
      await exposed.stop();
    }
  });
});
