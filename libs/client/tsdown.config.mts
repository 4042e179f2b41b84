import { copyFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'tsdown';

// Paths from the workspace root, where `nx build client` runs this.
const OUT_DIR = resolve('dist/libs/client');

/** The package as published: ESM + CommonJS, one bundled .d.ts per format, no runtime dependencies. */
export default defineConfig({
  entry: { index: resolve('libs/client/src/index.ts') },
  outDir: OUT_DIR,
  // Rolldown's timing notice ("spent significant time in plugins") depends on machine load, not on the code.
  checks: { pluginTimings: false },
  format: ['esm', 'cjs'],
  platform: 'neutral',
  target: 'es2022',
  tsconfig: resolve('libs/client/tsconfig.lib.json'),
  // The contract (libs/shared) is inlined, code and types, since that package is not published.
  deps: { alwaysBundle: ['@nestjs-microservices/shared'] },
  dts: true,
  sourcemap: true,
  clean: true,
  hash: false,
  fixedExtension: true,
  onSuccess() {
    const manifest = {
      name: '@nestjs-microservices/client',
      version: '0.1.0',
      description: 'Typed client of the nestjs-microservices auth gateway: bearer or cookie mode, shared token refresh',
      license: 'MIT',
      sideEffects: false,
      engines: { node: '>=20' },
      main: './index.cjs',
      module: './index.mjs',
      types: './index.d.cts',
      exports: {
        '.': {
          import: { types: './index.d.mts', default: './index.mjs' },
          require: { types: './index.d.cts', default: './index.cjs' },
        },
        './package.json': './package.json',
      },
    };
    writeFileSync(resolve(OUT_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    copyFileSync(resolve('libs/client/README.md'), resolve(OUT_DIR, 'README.md'));
  },
});
