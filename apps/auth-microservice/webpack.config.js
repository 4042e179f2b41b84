const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');
// eslint-disable-next-line @nx/enforce-module-boundaries -- build configuration, not app code: the workspace's build tool
const { DeployablePackageJsonPlugin } = require('../../tools/src/deployable/deployable-package-json');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/auth-microservice'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  // better-sqlite3-napi is an optional dependency, absent where npm skipped it (Node < 22); the Nx externals only
  // cover packages present in node_modules, so webpack would try to bundle it and warn that it cannot resolve it.
  // Left to Node's require, it is loaded only on Node 24+ (libs/runtime sqlite-driver.ts).
  externals: [{ 'better-sqlite3-napi': 'commonjs better-sqlite3-napi' }],
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: true,
      sourceMap: true,
      mergeExternals: true,
      // The mail templates are read at run time from beside the bundle (mail/mail-templates.ts).
      assets: [{ input: './src/mail/templates', glob: '*.{txt,html}', output: 'mail/templates' }],
    }),
    // Nx's package.json loses the root overrides: `npm ci --omit=dev` there must install the patched versions.
    new DeployablePackageJsonPlugin({ workspaceRoot: join(__dirname, '../..') }),
  ],
};
