/**
 * The gateway ↔ auth service link with mutual TLS (certificates from `npm run certs:dev`): the real
 * gateway gets through; a plain TCP client, a TLS client without a certificate, one with a certificate
 * from another CA, and a gateway without TLS do not. And without TLS, a public bind address is warned about.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import { HttpClient } from './support/http';
import { encodeFrame, RawTcpClient, rpcData } from './support/nest-tcp';
import { WORKSPACE_ROOT } from './support/paths';
import { getFreePort } from './support/ports';
import { createAuthProcess, createGatewayProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import { pollUntil } from './support/util';

const USER = 'tls_user';
const PASSWORD = 'Mutual-Tls-Secret-3';

function makeCertificates(dir: string): Record<'ca' | 'authCert' | 'authKey' | 'gatewayCert' | 'gatewayKey', string> {
  execFileSync('bash', [join(WORKSPACE_ROOT, 'scripts/certs-dev.sh'), dir], { stdio: 'ignore' });
  return {
    ca: join(dir, 'ca.crt'),
    authCert: join(dir, 'auth.crt'),
    authKey: join(dir, 'auth.key'),
    gatewayCert: join(dir, 'gateway.crt'),
    gatewayKey: join(dir, 'gateway.key'),
  };
}

/** Connects with TLS and sends one valid request; resolves with what happened first. */
async function tlsAttempt(port: number, options: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectTls({ host: LOCALHOST, port, servername: 'localhost', ...options }, () => {
      socket.write(
        encodeFrame({ pattern: 'auth.login', data: rpcData({ username: USER, password: PASSWORD }), id: 'tls-1' }),
      );
    });
    socket.setTimeout(3_000, () => resolve('timeout'));
    socket.once('data', () => resolve('answered'));
    socket.once('error', () => resolve('refused'));
    socket.once('close', () => resolve('refused'));
  });
}

/** `npm run certs:dev` needs the `openssl` command: on a machine without it the suite is skipped, except in CI. */
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
const describeWithOpenssl = haveOpenssl || process.env['CI'] ? describe : describe.skip;
if (!haveOpenssl && !process.env['CI']) console.warn('Skipping the mutual TLS suite: `openssl` is not installed.');

describeWithOpenssl('mutual TLS between the gateway and the auth service', () => {
  let system: TestSystem | undefined;
  const sys = (): TestSystem => {
    if (!system) throw new Error('system did not start (see beforeAll)');
    return system;
  };
  let certsDir = '';
  let certs: ReturnType<typeof makeCertificates>;
  let foreign: ReturnType<typeof makeCertificates>;

  beforeAll(async () => {
    certsDir = await mkdtemp(join(tmpdir(), 'e2e-certs-'));
    certs = makeCertificates(join(certsDir, 'ours'));
    foreign = makeCertificates(join(certsDir, 'foreign'));
    system = await startSystem({
      suite: 'mutual-tls',
      transport: 'tcp',
      authEnv: { AUTH_TLS_CA: certs.ca, AUTH_TLS_CERT: certs.authCert, AUTH_TLS_KEY: certs.authKey },
      gatewayEnv: { AUTH_TLS_CA: certs.ca, AUTH_TLS_CERT: certs.gatewayCert, AUTH_TLS_KEY: certs.gatewayKey },
    });
  });

  afterAll(async () => {
    await system?.teardown();
    if (certsDir) await rm(certsDir, { recursive: true, force: true });
  });

  it('serves sign-up and login through a gateway with a certificate from the CA', async () => {
    expectSignedUp(await sys().http.signup({ username: USER, password: PASSWORD }), USER);
    expectLoggedIn(await sys().http.login({ username: USER, password: PASSWORD }), USER);
  });

  it('gives a plain TCP client nothing', async () => {
    const client = await RawTcpClient.connect(sys().authPort, LOCALHOST);
    await expect(client.request('auth.login', { username: USER, password: PASSWORD }, 2_000)).rejects.toThrow();
  });

  it('refuses a TLS client without a certificate, and one whose certificate another CA signed', async () => {
    const ca = await readFile(certs.ca);
    await expect(tlsAttempt(sys().authPort, { ca })).resolves.toBe('refused');
    const [cert, key] = await Promise.all([readFile(foreign.gatewayCert), readFile(foreign.gatewayKey)]);
    await expect(tlsAttempt(sys().authPort, { ca, cert, key })).resolves.toBe('refused');
    // The same request with the right certificate is answered: the two refusals are about the certificate.
    const [goodCert, goodKey] = await Promise.all([readFile(certs.gatewayCert), readFile(certs.gatewayKey)]);
    await expect(tlsAttempt(sys().authPort, { ca, cert: goodCert, key: goodKey })).resolves.toBe('answered');
  });

  it('answers 503 through a gateway that does not use TLS', async () => {
    const port = await getFreePort(LOCALHOST);
    const plainGateway = createGatewayProcess({
      suite: 'mutual-tls',
      name: 'gateway-without-tls',
      cwd: sys().workDir,
      port,
      link: sys().link,
    });
    try {
      await plainGateway.start();
      const response = await new HttpClient(`http://${LOCALHOST}:${port}`).login({
        username: USER,
        password: PASSWORD,
      });
      expectError(response, 503, 'AUTH_UNAVAILABLE');
    } finally {
      await plainGateway.stop();
    }
  });
});

describe('binding the auth service beyond loopback without TLS', () => {
  it('prints a loud warning', async () => {
    const system = await startSystem({ suite: 'public-bind', transport: 'tcp' });
    try {
      const port = await getFreePort(LOCALHOST);
      const exposed = createAuthProcess({
        suite: 'public-bind',
        name: 'auth-public',
        cwd: system.workDir,
        link: { transport: 'tcp', port },
        databaseUrl: system.database.url,
        env: { AUTH_TCP_HOST: '0.0.0.0' },
      });
      try {
        await exposed.start();
        // Log lines reach the file in batches, at the latest LOG_FLUSH_INTERVAL_MS (100 ms) after they are written.
        const warning = await pollUntil(
          async () => ((await readFile(exposed.logFile, 'utf8')).includes('WITHOUT TLS') ? true : undefined),
          { timeoutMs: 5_000, intervalMs: 50, description: 'the WITHOUT TLS warning in the log' },
        );
        expect(warning).toBe(true);
      } finally {
        await exposed.stop();
      }
      expect(await readFile(system.auth.logFile, 'utf8')).not.toContain('WITHOUT TLS');
    } finally {
      await system.teardown();
    }
  });
});
