import nx from '@nx/eslint-plugin';
import promise from 'eslint-plugin-promise';
import tseslint from 'typescript-eslint';

/** Promise mistakes are bugs in a service that answers over the network: every such rule is an error. */
const promiseRulesAsErrors = Object.fromEntries(
  Object.entries(promise.configs['flat/recommended'].rules)
    .filter(([, level]) => level !== 'off')
    .map(([rule]) => [rule, 'error']),
);

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/tmp', '**/coverage', '**/node_modules', 'bench/results'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // The token contract entry (plain data and types, no NestJS) is the one import of nest-auth that
          // libs/shared and the client may make; the package root stays behind the rules below.
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '^@nestjs-microservices/nest-auth/contract$'],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:nest-auth', onlyDependOnLibsWithTags: ['scope:nest-auth'] },
            { sourceTag: 'platform:browser', onlyDependOnLibsWithTags: ['platform:browser', 'platform:any'] },
            // The client takes only types from the contract (type-only imports, rule below).
            { sourceTag: 'platform:any', onlyDependOnLibsWithTags: ['platform:any', 'scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // Black-box suites drive built processes and packed tarballs: workspace code appears in type positions only.
    files: ['e2e/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/jest.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs-microservices/*', '**/apps/**', '**/libs/**'],
              allowTypeImports: true,
              message:
                'Black-box suite: import workspace code as types only (use the built processes or packed tarballs).',
            },
          ],
        },
      ],
    },
  },
  {
    // The client ships with no runtime dependencies and the demo runs in a browser: the contract is types only.
    files: ['libs/client/**/*.ts', 'apps/demo-web/**/*.ts'],
    ignores: ['**/jest.config.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs-microservices/*', '!@nestjs-microservices/client'],
              allowTypeImports: true,
              message: 'Browser-safe code: take the contract as types only (import type).',
            },
          ],
        },
      ],
    },
  },
  {
    // Test helpers (libs/nest-auth/src/testing, apps' src/testing, @nestjs/testing) never reach a production bundle.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/testing', '**/testing/**', '@nestjs/testing'],
              message: 'Test helpers are for specs only; production code must not import them.',
            },
          ],
        },
      ],
    },
  },
  {
    ...promise.configs['flat/recommended'],
    rules: promiseRulesAsErrors,
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/*.cts', '**/jest.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
];
