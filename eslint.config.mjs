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
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
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
