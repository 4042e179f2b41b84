import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The boundaries in eslint.config.mjs reject a violation: the real config, run by the ESLint CLI (Jest cannot load
 * an ESM config in-process) on text linted as if it were an existing file of a project.
 */
const ROOT = join(__dirname, '../../..');

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

function ruleIdsFor(code: string, filePath: string): string[] {
  const run = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/eslint/bin/eslint.js'),
      '--stdin',
      '--stdin-filename',
      join(ROOT, filePath),
      '--format',
      'json',
    ],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as { messages: LintMessage[] }[];
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries', () => {
  jest.setTimeout(120_000);

  it('libs/shared may not depend on the nest-auth package root, only on its contract entry', () => {
    const errors = ruleIdsFor(`import '@nestjs-microservices/nest-auth';\n`, 'libs/shared/src/index.ts');
    expect(errors.join('\n')).toContain('@nx/enforce-module-boundaries: A project tagged with "scope:shared"');
    expect(
      ruleIdsFor(
        `export { TOKEN_ERROR_STATUS } from '@nestjs-microservices/nest-auth/contract';\n`,
        'libs/shared/src/index.ts',
      ),
    ).toEqual([]);
  });

  it('an app may not import another app', () => {
    const errors = ruleIdsFor(
      `import { AppModule } from '../../auth-microservice/src/app.module';\nexport const m = AppModule;\n`,
      'apps/api-gateway/src/main.ts',
    );
    expect(errors.join('\n')).toContain('@nx/enforce-module-boundaries');
  });

  it('production code may not import test helpers, specs may', () => {
    const code = `export { signAccessToken } from '@nestjs-microservices/nest-auth/testing';\n`;
    expect(ruleIdsFor(code, 'apps/example-service/src/main.ts').join('\n')).toContain('no-restricted-imports');
    expect(ruleIdsFor(code, 'apps/example-service/src/config/example-config.spec.ts')).toEqual([]);
  });

  it('e2e takes workspace code as types only', () => {
    const file = 'e2e/src/support/system.ts';
    expect(ruleIdsFor(`export { createAuthClient } from '@nestjs-microservices/client';\n`, file).join('\n')).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
    expect(ruleIdsFor(`export type { AuthClient } from '@nestjs-microservices/client';\n`, file)).toEqual([]);
  });
});
