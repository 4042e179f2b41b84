/**
 * A NATS server that requires credentials (`--auth <token>`), started by the suite on a free port: the auth service
 * and a gateway with the token work together; a gateway without it, or with another, gets 503 and never reaches the
 * auth service. Needs TEST_TRANSPORT=nats and the `nats-server` binary (TEST_NATS_SERVER, default
 * /usr/sbin/nats-server, as on the CI machines).
 */
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { expectError, expectLoggedIn, expectSignedUp } from './support/contract';
import { HttpClient } from './support/http';
import { getFreePort } from './support/ports';
import { AppProcess, tcpConnectProbe } from './support/processes';
import { createGatewayProcess, LOCALHOST, startSystem, type TestSystem } from './support/system';
import type { AuthLink } from './support/transport';
import { testTransport } from './support/transport';

const NATS_SERVER = process.env['TEST_NATS_SERVER']?.trim() || '/usr/sbin/nats-server';
const TOKEN = randomBytes(16).toString('hex');
const PASSWORD = 'Nats-Token-Secret-4';
const reason =
  testTransport() !== 'nats'
    ? 'needs TEST_TRANSPORT=nats (npm run test:e2e:nats)'
    : existsSync(NATS_SERVER)
      ? undefined
      : `needs the nats-server binary (${NATS_SERVER}; set TEST_NATS_SERVER)`;

(reason ? describe.skip : describe)('NATS that requires credentials', () => {
  let nats: AppProcess | undefined;
  let system: TestSystem | undefined;
  let link: AuthLink | undefined;

  beforeAll(async () => {
    const port = await getFreePort(LOCALHOST);
    nats = new AppProcess({
      suite: 'nats-credentials',
      name: 'nats-server',
      script: NATS_SERVER,
      executable: true,
      args: ['-a', LOCALHOST, '-p', String(port), '--auth', TOKEN],
      cwd: process.cwd(),
      env: {},
      ready: { probe: tcpConnectProbe(LOCALHOST, port), port },
    });
    await nats.start();
    link = { transport: 'nats', url: `nats://${LOCALHOST}:${port}`, subjectPrefix: 'e2e_credentials' };
    system = await startSystem({
      suite: 'nats-credentials',
      link,
      authEnv: { NATS_TOKEN: TOKEN },
      gatewayEnv: { NATS_TOKEN: TOKEN },
    });
  });

  afterAll(async () => {
    await system?.teardown();
    await nats?.stop();
  });

  it('serves sign-up and login when both apps have the token', async () => {
    if (!system) throw new Error('the system did not start (see beforeAll)');
    expectSignedUp(await system.http.signup({ username: 'token_holder', password: PASSWORD }), 'token_holder');
    expectLoggedIn(await system.http.login({ username: 'token_holder', password: PASSWORD }), 'token_holder');
  });

  it.each([
    ['without a token', {}],
    ['with another token', { NATS_TOKEN: 'not-the-token' }],
  ])('refuses a gateway %s: 503 AUTH_UNAVAILABLE, nothing reaches the auth service', async (_label, env) => {
    if (!system || !link) throw new Error('the system did not start (see beforeAll)');
    const port = await getFreePort(LOCALHOST);
    const intruder = createGatewayProcess({
      suite: 'nats-credentials',
      name: 'gateway-intruder',
      cwd: system.workDir,
      port,
      link,
      env,
    });
    try {
      await intruder.start();
      const http = new HttpClient(`http://${LOCALHOST}:${port}`);
      expectError(await http.signup({ username: 'intruder', password: PASSWORD }), 503, 'AUTH_UNAVAILABLE');
      expectError(await system.http.login({ username: 'intruder', password: PASSWORD }), 401, 'INVALID_CREDENTIALS');
    } finally {
      await intruder.stop();
    }
  });
});

if (reason) {
  describe('NATS that requires credentials', () => {
    it.skip(`is skipped: it ${reason}`, () => undefined);
  });
}
