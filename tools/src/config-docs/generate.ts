import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describeShape, shapeOf } from './env-model';
import {
  arrange,
  type LoadedSection,
  missingDescriptions,
  renderEnvExample,
  renderMarkdownBlock,
  spliceBlock,
} from './render';
import { CONFIG_SECTIONS, type ConfigSection } from './sections';

export const CONFIGURATION_DOC = 'docs/configuration.md';
export const ENV_EXAMPLE = '.env.example';

export interface GeneratedFile {
  path: string;
  committed: string;
  generated: string;
}

export interface GenerateResult {
  /** Variables without a description, and env schemas the sections do not list; when any, `files` is empty. */
  missing: string[];
  files: GeneratedFile[];
}

/** Loads a schema module by its path (the apps' schemas are read as data, never imported by the tool's code). */
export type ModuleLoader = (file: string) => Record<string, unknown>;

export function loadSections(root: string, sections: ConfigSection[], load?: ModuleLoader): LoadedSection[] {
  const workspaceRequire = createRequire(resolve(root, 'package.json'));
  const loader = load ?? ((file: string) => workspaceRequire(resolve(root, file)) as Record<string, unknown>);
  return sections.map((section) => {
    const variables = section.schemas.flatMap(({ file, name }) => {
      const exported = loader(file);
      if (!(name in exported)) throw new Error(`${file} exports no ${name}`);
      return describeShape(shapeOf(exported[name]));
    });
    return { section, variables };
  });
}

/**
 * Formats as `prettier --check .` expects (the workspace's .prettierrc), in a child process: prettier 3 loads its
 * plugins with dynamic imports, which Jest's module sandbox refuses.
 */
function formatMarkdown(text: string, filepath: string): string {
  const cli = resolve(dirname(require.resolve('prettier')), 'bin', 'prettier.cjs');
  return execFileSync(process.execPath, [cli, '--stdin-filepath', filepath], { input: text, encoding: 'utf8' });
}

const EXPORTED_ENV_SCHEMA = /^export const (\w+Env(?:Schema|Shape))\b/gm;

function sourceFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Every exported `…EnvSchema` / `…EnvShape` in apps/ and libs/ must be in a section: an app that validates a schema
 * of its own, or a new shared shape, cannot stay out of the reference unnoticed.
 */
export function unlistedSchemas(root: string, sections: ConfigSection[]): string[] {
  const listed = new Set(sections.flatMap(({ schemas }) => schemas.map(({ file, name }) => `${file}#${name}`)));
  return ['apps', 'libs'].flatMap((top) =>
    sourceFiles(join(root, top)).flatMap((path) => {
      const file = relative(root, path);
      return [...readFileSync(path, 'utf8').matchAll(EXPORTED_ENV_SCHEMA)]
        .map((match) => match[1] ?? '')
        .filter((name) => !listed.has(`${file}#${name}`))
        .map((name) => `${name} (${file}) is not in tools/src/config-docs/sections.ts`);
    }),
  );
}

const readOr = (path: string, fallback: string) => (existsSync(path) ? readFileSync(path, 'utf8') : fallback);

export function generate(
  root: string,
  sections: ConfigSection[] = CONFIG_SECTIONS,
  load?: ModuleLoader,
): GenerateResult {
  const documented = arrange(loadSections(root, sections, load));
  const missing = [...unlistedSchemas(root, sections), ...missingDescriptions(documented)];
  if (missing.length) return { missing, files: [] };

  const docPath = resolve(root, CONFIGURATION_DOC);
  const committedDoc = readOr(docPath, '');
  const spliced = spliceBlock(committedDoc || '# Configuration\n', renderMarkdownBlock(documented));
  const generatedDoc = formatMarkdown(spliced, docPath);

  const envPath = resolve(root, ENV_EXAMPLE);
  return {
    missing,
    files: [
      { path: CONFIGURATION_DOC, committed: committedDoc, generated: generatedDoc },
      { path: ENV_EXAMPLE, committed: readOr(envPath, ''), generated: renderEnvExample(documented) },
    ],
  };
}
