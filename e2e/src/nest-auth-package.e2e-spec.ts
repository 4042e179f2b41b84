/**
 * The published form of `@nestjs-microservices/nest-auth`: `npm pack` of dist/libs/nest-auth, installed with
 * ordinary NestJS 11 packages into a fresh project outside the workspace (nothing of the workspace reachable), and a
 * tiny app there on the Express and on the Fastify adapter, with a TCP microservice: a gateway token is accepted
 * (HTTP and @MessagePattern), bad ones are refused, a logout is followed.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HttpClient, withBearer } from './support/http';
import { foreignKeyPair, resign } from './support/jwt';
import { RawTcpClient, encodeFrame } from './support/nest-tcp';
import { NEST_AUTH_DIST } from './support/paths';
import { getFreePort } from './support/ports';
import { AppProcess, httpResponseProbe } from './support/processes';
import { is401, type LoginResult, pollResponse, signUpAndLogin } from './support/session-client';
import { LOCALHOST, startSystem, type TestSystem } from './support/system';

const SUITE = 'nest-auth-package';
const FEED_TOKEN = randomBytes(32).toString('base64url');
const PASSWORD = 'Packaged-Guard-Secret-Lynx-64';
const run = promisify(execFile);

/** What the test project installs beside the tarball: NestJS of one major, as a team on it would. */
const projectDependencies = (major: number) => ({
  '@nestjs/common': `^${major}.0.0`,
  '@nestjs/core': `^${major}.0.0`,
  '@nestjs/microservices': `^${major}.0.0`,
  '@nestjs/platform-express': `^${major}.0.0`,
  '@nestjs/platform-fastify': `^${major}.0.0`,
  'reflect-metadata': '^0.2.0',
  rxjs: '^7.8.0',
});

// The package's peer range is NestJS 10 or 11: both majors are installed and run.
describe.each([11, 10])(
  'the packed @nestjs-microservices/nest-auth in a project of its own, with NestJS %i',
  (major) => {
    let system: TestSystem;
    let projectDir: string;
    let alice: LoginResult;

    beforeAll(async () => {
      projectDir = mkdtempSync(join(tmpdir(), 'nest-auth-consumer-'));
      const packed = await run('npm', ['pack', NEST_AUTH_DIST, '--pack-destination', projectDir, '--json'], {
        cwd: projectDir,
      });
      const [{ filename }] = JSON.parse(packed.stdout) as Array<{ filename: string }>;
      writeFileSync(
        join(projectDir, 'package.json'),
        JSON.stringify({
          name: 'nest-auth-consumer',
          private: true,
          dependencies: { ...projectDependencies(major), '@nestjs-microservices/nest-auth': `file:./${filename}` },
        }),
      );
      copyFileSync(join(__dirname, 'support', 'fixtures', 'nest-auth-consumer-app.js'), join(projectDir, 'app.js'));
      const installing = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
        cwd: projectDir,
        timeout: 240_000,
      });
      system = await startSystem({ suite: `${SUITE}-nest${major}`, gatewayEnv: { REVOCATION_FEED_TOKEN: FEED_TOKEN } });
      await installing;
      alice = await signUpAndLogin(system.http, 'packaged_alice', PASSWORD);
    }, 300_000);

    afterAll(async () => {
      await system?.teardown();
      if (projectDir) rmSync(projectDir, { recursive: true, force: true });
    });

    it('installs as a package of its own beside that NestJS: peer dependencies on NestJS, nothing of the workspace', () => {
      const installed = JSON.parse(
        readFileSync(join(projectDir, 'node_modules', '@nestjs-microservices', 'nest-auth', 'package.json'), 'utf8'),
      ) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
      expect(Object.keys(installed.peerDependencies ?? {})).toEqual(
        expect.arrayContaining(['@nestjs/common', '@nestjs/core', 'reflect-metadata', 'rxjs']),
      );
      const core = JSON.parse(
        readFileSync(join(projectDir, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8'),
      ) as { version: string };
      expect(core.version.split('.')[0]).toBe(String(major));
      const all = { ...installed.dependencies, ...installed.peerDependencies };
      expect(Object.keys(all).filter((name) => name.startsWith('@nestjs-microservices/'))).toEqual([]);
    });

    describe.each(['express', 'fastify'])('a NestJS app on the %s adapter', (adapter) => {
      let app: AppProcess;
      let http: HttpClient;
      let tcpPort: number;

      beforeAll(async () => {
        const port = await getFreePort(LOCALHOST);
        tcpPort = await getFreePort(LOCALHOST);
        app = new AppProcess({
          suite: SUITE,
          name: `consumer-nest${major}-${adapter}`,
          script: join(projectDir, 'app.js'),
          cwd: projectDir,
          env: {
            ADAPTER: adapter,
            PORT: String(port),
            TCP_PORT: String(tcpPort),
            JWKS_URL: `${system.baseUrl}/api/auth/jwks`,
            FEED_URL: `${system.baseUrl}/api/auth/revocations`,
            FEED_TOKEN,
          },
          ready: { probe: httpResponseProbe(`http://${LOCALHOST}:${port}/api/open`), port },
        });
        await app.start();
        http = new HttpClient(`http://${LOCALHOST}:${port}`);
      }, 30_000);

      afterAll(async () => {
        await app?.stop();
      });

      it('accepts a gateway token and gives @CurrentUser()', async () => {
        const response = await http.request('GET', '/api/me', withBearer(alice.tokens.accessToken, {}));
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          userId: alice.user.id,
          username: 'packaged_alice',
          sessionId: alice.tokens.claims.sid,
          roles: [],
        });
        expect((await http.request('GET', '/api/open')).body).toEqual({ open: true });
      });

      it('@Roles(): 403 FORBIDDEN for a caller without one of the roles', async () => {
        const response = await http.request('GET', '/api/editors', withBearer(alice.tokens.accessToken, {}));
        expect(response.status).toBe(403);
        expect(response.body).toEqual({ statusCode: 403, code: 'FORBIDDEN', message: 'Your roles do not allow this' });
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope"/);
      });

      it("refuses a forged token and none, with the gateway's body and challenge", async () => {
        const forged = await http.request(
          'GET',
          '/api/me',
          withBearer(resign(alice.tokens.accessToken, foreignKeyPair().privateKey), {}),
        );
        expect(forged.status).toBe(401);
        expect(forged.body).toEqual({ statusCode: 401, code: 'INVALID_TOKEN', message: 'The access token is invalid' });
        expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
        const none = await http.request('GET', '/api/me');
        expect(none.status).toBe(401);
        expect(none.body).toMatchObject({ code: 'AUTHENTICATION_REQUIRED' });
        expect(none.headers.get('www-authenticate')).toBe('Bearer');
      });

      it('checks the accessToken of a @MessagePattern payload', async () => {
        const client = await RawTcpClient.connect(tcpPort);
        try {
          const ask = async (data: unknown) => {
            const id = randomUUID();
            const reply = client.waitForReply(id);
            await client.write(encodeFrame({ pattern: 'consumer.whoami', data, id }));
            return reply;
          };
          expect(await ask({ accessToken: alice.tokens.accessToken })).toMatchObject({
            response: {
              userId: alice.user.id,
            },
          });
          const forged = resign(alice.tokens.accessToken, foreignKeyPair().privateKey);
          expect((await ask({ accessToken: forged })).err).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
          expect((await ask({})).err).toMatchObject({ status: 401, code: 'AUTHENTICATION_REQUIRED' });
        } finally {
          client.destroy();
        }
      });

      it("follows the gateway's revocation feed: a logout is refused within 2 s", async () => {
        const session = await signUpAndLogin(system.http, `packaged_${adapter}`, PASSWORD);
        expect((await http.request('GET', '/api/me', withBearer(session.tokens.accessToken, {}))).status).toBe(200);
        await system.http.request('POST', '/api/auth/logout', withBearer(session.tokens.accessToken, {}));

        await pollResponse(
          () => http.request('GET', '/api/me', withBearer(session.tokens.accessToken, {})),
          is401('SESSION_REVOKED'),
          { timeoutMs: 2_000, intervalMs: 50, description: `SESSION_REVOKED on ${adapter}` },
        );
      });
    });
  },
);
