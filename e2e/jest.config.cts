/**
 * End-to-end (process-level) suites: each suite starts the built apps from `dist/apps/*` as real
 * child processes and talks to them over HTTP and raw TCP. Run from the workspace root:
 *
 *   npx jest -c e2e/jest.config.cts
 *
 * The apps must be built first (`npm run build`). Suites run one at a time: they start processes
 * and measure timings, so running them in parallel would only make them slower and flakier.
 */
module.exports = {
  displayName: 'e2e',
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  testEnvironment: 'node',
  testMatch: ['**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
  // Kill app processes a suite failed to stop (and ones a crashed earlier run left behind).
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  maxWorkers: 1,
};
