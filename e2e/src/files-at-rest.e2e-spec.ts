/**
 * What the auth service leaves on disk. On SQLite (always, whatever TEST_DATABASE_URL says: the files are the
 * subject), in a directory that does not exist yet: the directories it creates are 0700, the database and its
 * -wal / -shm files 0600, even under the usual umask 022. In development with SIGNING_KEY_ENCRYPTION_SECRET set, the
 * private signing key is stored encrypted; without it, as a PEM anyone who can read the file can sign with.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AppProcess } from './support/processes';
import { withSqliteFile } from './support/sqlite';
import { createAuthProcess } from './support/system';
import { newAuthLink } from './support/transport';

const SUITE = 'files-at-rest';

/** This process's umask (its children inherit it), from /proc: `process.umask()` without an argument is deprecated. */
const umask = (): number =>
  parseInt(/^Umask:\s*(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'NaN', 8);

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

function storedPrivateKeys(file: string): string[] {
  return withSqliteFile(file, (db) =>
    (db.prepare('SELECT private_key FROM signing_keys').all() as Array<{ private_key: string }>).map(
      (row) => row.private_key,
    ),
  );
}

describe('files at rest (SQLite)', () => {
  let root = '';
  const started: AppProcess[] = [];

  /** An auth service in development mode on a SQLite file two directories below `root`, none of which exist yet. */
  const startAuth = async (name: string, env: Record<string, string>): Promise<{ auth: AppProcess; file: string }> => {
    const file = join(root, name, 'data', 'auth.sqlite');
    const auth = createAuthProcess({
      suite: SUITE,
      name,
      cwd: root,
      link: await newAuthLink('tcp'),
      databaseUrl: `sqlite:${file}`,
      env: { NODE_ENV: 'development', ...env },
    });
    started.push(auth);
    await auth.start();
    return { auth, file };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), `e2e-${SUITE}-`));
  });

  afterAll(async () => {
    await Promise.allSettled(started.map((auth) => auth.stop()));
    await rm(root, { recursive: true, force: true });
  });

  it('creates its directories 0700 and the database, -wal and -shm 0600 (the test runs under umask 022)', async () => {
    // With a stricter umask the files would be private anyway and this test could not fail.
    expect(umask()).toBe(0o022);
    const { auth, file } = await startAuth('modes', {});

    const files = [file, `${file}-wal`, `${file}-shm`];
    expect(files.map((path) => [path, existsSync(path)])).toEqual(files.map((path) => [path, true]));
    expect({
      created: modeOf(dirname(file)),
      createdParent: modeOf(dirname(dirname(file))),
      ...Object.fromEntries(files.map((path) => [path.slice(file.length) || 'db', modeOf(path)])),
    }).toEqual({ created: '0700', createdParent: '0700', db: '0600', '-wal': '0600', '-shm': '0600' });

    // Still so after a restart (files opened again, the log recreated).
    await auth.restart();
    expect(files.filter(existsSync).map(modeOf)).toEqual(files.filter(existsSync).map(() => '0600'));
    await auth.stop();
    expect(modeOf(file)).toBe('0600');
  });

  it('in development with SIGNING_KEY_ENCRYPTION_SECRET, stores the private signing key encrypted, not as PEM', async () => {
    const { auth, file } = await startAuth('sealed', {
      SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(48).toString('base64'),
    });
    await auth.stop();

    const keys = storedPrivateKeys(file);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith('aes-256-gcm:v1:') && !key.includes('PRIVATE KEY'))).toBe(true);
  });

  it('without the secret, the development database holds a usable private key (PEM), and the log says so', async () => {
    // An info line, not a warning (production refuses to start without the secret): at the apps' default level.
    const { auth, file } = await startAuth('plain', { LOG_LEVEL: 'log' });
    await auth.stop();

    expect(storedPrivateKeys(file).every((key) => key.includes('-----BEGIN PRIVATE KEY-----'))).toBe(true);
    expect(auth.tailLog(200)).toMatch(/SIGNING_KEY_ENCRYPTION_SECRET is not set/);
  });
});
