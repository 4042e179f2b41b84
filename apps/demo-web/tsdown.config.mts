import { copyFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'tsdown';

// Paths from the workspace root, where `nx build demo-web` runs this.
const SRC = resolve('apps/demo-web/src');
const OUT_DIR = resolve('dist/apps/demo-web');

/** One ES module for the browser (the client library bundled in from its source), plus the page and its styles. */
export default defineConfig({
  entry: { main: resolve(SRC, 'main.ts') },
  outDir: OUT_DIR,
  // Rolldown's timing notice ("spent significant time in plugins") depends on machine load, not on the code.
  checks: { pluginTimings: false },
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  tsconfig: resolve('apps/demo-web/tsconfig.app.json'),
  alias: { '@nestjs-microservices/client': resolve('libs/client/src/index.ts') },
  dts: false,
  sourcemap: true,
  clean: true,
  hash: false,
  fixedExtension: false,
  onSuccess() {
    for (const file of ['index.html', 'styles.css']) copyFileSync(resolve(SRC, file), resolve(OUT_DIR, file));
  },
});
