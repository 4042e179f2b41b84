import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
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
  /** Variables without a description; when any, `files` is empty. */
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

const readOr = (path: string, fallback: string) => (existsSync(path) ? readFileSync(path, 'utf8') : fallback);

export function generate(
  root: string,
  sections: ConfigSection[] = CONFIG_SECTIONS,
  load?: ModuleLoader,
): GenerateResult {
  const documented = arrange(loadSections(root, sections, load));
  const missing = missingDescriptions(documented);
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
