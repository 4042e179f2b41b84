import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { baseEnvSchema, duration, flag, integer, list, optionalFlag } from '@nestjs-microservices/runtime';
import { z } from 'zod';
import { describeShape } from './env-model';
import { CONFIGURATION_DOC, ENV_EXAMPLE, generate, type ModuleLoader } from './generate';
import { BEGIN_MARKER, END_MARKER } from './render';
import type { ConfigSection } from './sections';

const shared = { tag: z.string().default('x').describe('a shared tag') };
const appSchema = baseEnvSchema.extend({
  ...shared,
  LIMIT: integer(5, 1, 10).describe('how many'),
  WAIT: duration('2s', '100ms', '1m').describe('how long'),
  ENABLED: flag(true).describe('on or off'),
  ORIGINS: list(z.string()).describe('who'),
  DOCS: optionalFlag().meta({ description: 'docs', defaultText: '`true` unless production' }),
  REDIS: z.string().optional().meta({ description: 'where', example: 'redis://127.0.0.1:6379' }),
  SAME: z.string().default('a').describe('read by two apps'),
});
const otherSchema = z.object({ ...shared, SAME: z.string().default('b').describe('the other app’s') });

const SECTIONS: ConfigSection[] = [
  { title: 'Shared things', app: 'shared', schemas: [{ file: 'shared.ts', name: 'shape' }], intro: 'Shared.' },
  { title: 'Auth service', app: 'auth-microservice', schemas: [{ file: 'app.ts', name: 'schema' }], intro: 'One.' },
  { title: 'API gateway', app: 'api-gateway', schemas: [{ file: 'other.ts', name: 'schema' }], intro: 'Two.' },
];
const modules: Record<string, Record<string, unknown>> = {
  'shared.ts': { shape: shared },
  'app.ts': { schema: appSchema },
  'other.ts': { schema: otherSchema },
};
const load: ModuleLoader = (file) => modules[file] ?? {};

describe('describeShape', () => {
  const byName = new Map(describeShape(appSchema.shape).map((v) => [v.name, v]));

  it('reads descriptions, defaults and accepted values through the runtime helpers', () => {
    expect(byName.get('LIMIT')).toMatchObject({ description: 'how many', defaultText: '`5`', values: '1 – 10' });
    expect(byName.get('WAIT')).toMatchObject({ defaultValue: '2s', values: '100ms – 1m' });
    expect(byName.get('ENABLED')).toMatchObject({ defaultValue: 'true', description: 'on or off' });
    expect(byName.get('ENABLED')?.values).toContain('`true`, `false`');
    expect(byName.get('ORIGINS')).toMatchObject({ defaultText: 'empty', values: 'comma-separated list' });
    expect(byName.get('NODE_ENV')).toMatchObject({ defaultText: '`development`' });
    expect(byName.get('NODE_ENV')?.values).toBe('`development`, `production`, `test`');
  });

  it('takes a computed default and an example from meta', () => {
    expect(byName.get('DOCS')).toMatchObject({ defaultText: '`true` unless production' });
    expect(byName.get('DOCS')?.defaultValue).toBeUndefined();
    expect(byName.get('REDIS')).toMatchObject({ defaultText: 'unset', example: 'redis://127.0.0.1:6379' });
  });
});

describe('generate', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'config-docs-'));
    await writeFile(join(root, 'package.json'), '{}');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('groups variables per app, lists shared ones once with who reads them, and notes names two apps share', () => {
    const { missing, files } = generate(root, SECTIONS, load);
    expect(missing).toEqual([]);
    const doc = files.find((f) => f.path === CONFIGURATION_DOC)?.generated ?? '';
    const sharedPart = doc.slice(doc.indexOf('## Shared things'), doc.indexOf('## Auth service'));
    expect(sharedPart).toContain('_Read by: auth-microservice, api-gateway.');
    expect(sharedPart).toContain('`tag`');
    const authPart = doc.slice(doc.indexOf('## Auth service'), doc.indexOf('## API gateway'));
    expect(authPart).not.toContain('`tag`');
    expect(authPart).toMatch(/`SAME` +\| `a` .*read by two apps _\(also read by api-gateway\)_/);
    expect(doc).toContain('- [Shared things](#shared-things)');
    const env = files.find((f) => f.path === ENV_EXAMPLE)?.generated ?? '';
    expect(env).toContain('#LIMIT=5');
    expect(env).toContain('#REDIS=redis://127.0.0.1:6379');
    expect(env).toContain('#DOCS=\n');
    expect(env.slice(env.indexOf('# ===='))).not.toContain('`');
  });

  it('keeps the hand-written text around the generated block, and regenerating changes nothing', async () => {
    const docPath = join(root, CONFIGURATION_DOC);
    await mkdir(join(root, 'docs'), { recursive: true });
    await writeFile(docPath, `# Title\n\nBefore.\n\n${BEGIN_MARKER}\nstale\n${END_MARKER}\n\n## After\n\nKept.\n`);
    const first = generate(root, SECTIONS, load);
    const doc = first.files[0]?.generated ?? '';
    expect(doc.startsWith('# Title\n\nBefore.\n\n')).toBe(true);
    expect(doc).not.toContain('stale');
    expect(doc.trimEnd().endsWith('## After\n\nKept.')).toBe(true);
    await writeFile(docPath, doc);
    const second = generate(root, SECTIONS, load);
    expect(second.files[0]?.generated).toBe(doc);
  });

  it('refuses a variable without a description, naming it and its schema', () => {
    const withHole = { schema: appSchema.extend({ SMTP_URL: z.url().optional() }) };
    const { missing, files } = generate(root, SECTIONS, (file) => (file === 'app.ts' ? withHole : load(file)));
    expect(missing).toEqual(['SMTP_URL has no description (schema in app.ts)']);
    expect(files).toEqual([]);
  });

  it('refuses an exported env schema that no section lists', async () => {
    await mkdir(join(root, 'apps', 'mail', 'src', 'config'), { recursive: true });
    await writeFile(
      join(root, 'apps', 'mail', 'src', 'config', 'mail-config.ts'),
      'export const mailEnvSchema = {};\n',
    );

    const { missing, files } = generate(root, SECTIONS, load);

    expect(missing).toEqual([
      'mailEnvSchema (apps/mail/src/config/mail-config.ts) is not in tools/src/config-docs/sections.ts',
    ]);
    expect(files).toEqual([]);
  });
});

describe('the committed docs/configuration.md and .env.example', () => {
  it('are what the apps’ schemas generate, with every variable described', async () => {
    const workspace = resolve(__dirname, '..', '..', '..');
    const { missing, files } = generate(workspace);
    expect(missing).toEqual([]);
    for (const file of files) {
      expect({ path: file.path, text: await readFile(join(workspace, file.path), 'utf8') }).toEqual({
        path: file.path,
        text: file.generated,
      });
    }
  }, 60_000); // loads and compiles the three apps' config modules
});
