/**
 * `npm run docs:config`: writes docs/configuration.md (the generated block; the text around it is kept) and
 * .env.example from the apps' env schemas. `npm run docs:config -- --check` writes nothing and exits 1 when the
 * committed files differ from what the schemas give. Both exit 1, naming each one, when a variable has no description.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { register } from 'tsconfig-paths';
import { generate, type GeneratedFile } from './generate';

const ROOT = resolve(__dirname, '..', '..', '..');

function registerWorkspacePaths(): void {
  const tsconfig = JSON.parse(readFileSync(resolve(ROOT, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  register({ baseUrl: ROOT, paths: tsconfig.compilerOptions.paths, addMatchAll: false });
}

function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? Math.min(a.length, b.length) : line;
  return `line ${at + 1}:\n    committed: ${a[at] ?? '(end of file)'}\n    generated: ${b[at] ?? '(end of file)'}`;
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  registerWorkspacePaths();
  const result = generate(ROOT);
  if (result.missing.length) {
    process.stderr.write(
      `docs:config: ${result.missing.length} problem(s) with the env schemas:\n` +
        result.missing.map((entry) => `  - ${entry}\n`).join('') +
        "Give each variable a one-line description in its schema, like its neighbours: NAME: integer(…).describe('what it does'),\n" +
        'list each new schema in tools/src/config-docs/sections.ts,\n' +
        'then run `npm run docs:config` (see "Adding or changing a variable" in docs/configuration.md).\n',
    );
    return 1;
  }
  const stale = result.files.filter((file: GeneratedFile) => file.committed !== file.generated);
  if (check) {
    if (stale.length === 0) {
      process.stdout.write('docs:config: docs/configuration.md and .env.example match the env schemas\n');
      return 0;
    }
    process.stderr.write(
      stale
        .map(
          (file) =>
            `docs:config: ${file.path} differs from what the env schemas generate, at ${firstDifference(file.committed, file.generated)}\n`,
        )
        .join('') + 'Run `npm run docs:config` and commit the result.\n',
    );
    return 1;
  }
  for (const file of stale) writeFileSync(resolve(ROOT, file.path), file.generated);
  process.stdout.write(
    stale.length ? `docs:config: wrote ${stale.map((file) => file.path).join(', ')}\n` : 'docs:config: up to date\n',
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error: unknown) {
  process.stderr.write(`docs:config: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
