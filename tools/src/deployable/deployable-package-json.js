// @ts-check
/**
 * The package.json and package-lock.json that `npm run build` writes beside each app's main.js must install, with
 * `npm ci --omit=dev`, exactly what the workspace's lock file has. Nx's generated package.json loses part of the root
 * `overrides` (it drops every override whose name is also a dependency of the app, nested ones included, and keeps a
 * `$name` reference that cannot resolve where `name` is not a dependency) and lists optional dependencies as required
 * ones. Without the overrides npm resolves `@nestjs/platform-fastify`'s exact `fastify` pin (a version with known
 * advisories) again and `npm ci` refuses the lock file. This plugin runs after Nx's and rewrites both files.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const PLUGIN_NAME = 'DeployablePackageJsonPlugin';

/**
 * @typedef {{ [name: string]: string | OverrideTree }} OverrideTree
 * @typedef {{
 *   dependencies?: Record<string, string>;
 *   devDependencies?: Record<string, string>;
 *   optionalDependencies?: Record<string, string>;
 *   overrides?: OverrideTree;
 *   engines?: Record<string, string>;
 *   [field: string]: unknown;
 * }} PackageJson
 */

/**
 * The root overrides with each `$name` reference replaced by the root's own spec for `name` (an app need not depend on
 * `name` itself, and npm resolves references against the package's own dependencies only).
 * @param {OverrideTree} overrides
 * @param {PackageJson} root
 * @returns {OverrideTree}
 */
function resolveReferences(overrides, root) {
  /** @type {OverrideTree} */
  const resolved = {};
  for (const [name, value] of Object.entries(overrides)) {
    if (typeof value !== 'string') {
      resolved[name] = resolveReferences(value, root);
      continue;
    }
    if (!value.startsWith('$')) {
      resolved[name] = value;
      continue;
    }
    const target = value.slice(1);
    const spec = root.dependencies?.[target] ?? root.optionalDependencies?.[target] ?? root.devDependencies?.[target];
    if (spec === undefined) throw new Error(`override ${name}: the root package.json has no dependency ${target}`);
    resolved[name] = spec;
  }
  return resolved;
}

/**
 * The app's generated package.json, made installable: every root override (references resolved; npm accepts an
 * override of a direct dependency only when both specs are equal, so a difference is an error here, not at install),
 * the root's optional dependencies moved to `optionalDependencies`, and the root's `engines`.
 * @param {PackageJson} app
 * @param {PackageJson} root
 * @returns {PackageJson}
 */
function deployablePackageJson(app, root) {
  const dependencies = { ...app.dependencies };
  /** @type {Record<string, string>} */
  const optionalDependencies = { ...app.optionalDependencies };
  for (const name of Object.keys(root.optionalDependencies ?? {})) {
    if (dependencies[name] === undefined) continue;
    optionalDependencies[name] = dependencies[name];
    delete dependencies[name];
  }
  const overrides = resolveReferences(root.overrides ?? {}, root);
  for (const [name, value] of Object.entries(overrides)) {
    const direct = dependencies[name] ?? optionalDependencies[name];
    if (typeof value === 'string' && direct !== undefined && direct !== value) {
      throw new Error(`override ${name}@${value} differs from the app's dependency ${name}@${direct}`);
    }
  }
  /** @type {PackageJson} */
  const result = { ...app, dependencies };
  delete result.optionalDependencies;
  delete result.overrides;
  if (Object.keys(optionalDependencies).length > 0) result.optionalDependencies = optionalDependencies;
  if (Object.keys(overrides).length > 0) result.overrides = overrides;
  if (root.engines) result.engines = root.engines;
  return result;
}

/**
 * The lock file's root entry must state what package.json states, or `npm ci` calls them out of sync.
 * @param {{ packages?: Record<string, Record<string, unknown>> }} lock
 * @param {PackageJson} app
 */
function syncLockRoot(lock, app) {
  const entry = lock.packages?.[''];
  if (!entry) throw new Error('the generated package-lock.json has no root entry');
  for (const field of ['dependencies', 'optionalDependencies', 'overrides', 'engines']) {
    if (app[field] === undefined) delete entry[field];
    else entry[field] = app[field];
  }
  return lock;
}

class DeployablePackageJsonPlugin {
  /** @param {{ workspaceRoot: string }} options */
  constructor(options) {
    this.workspaceRoot = options.workspaceRoot;
  }

  /** @param {import('webpack').Compiler} compiler */
  apply(compiler) {
    const { RawSource } = compiler.webpack.sources;
    compiler.hooks.thisCompilation.tap(PLUGIN_NAME, (compilation) => {
      compilation.hooks.processAssets.tap(
        // After Nx's GeneratePackageJsonPlugin (PROCESS_ASSETS_STAGE_ADDITIONAL) has emitted both files.
        { name: PLUGIN_NAME, stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_SUMMARIZE },
        () => {
          const generated = compilation.getAsset('package.json');
          if (!generated) return;
          /** @type {PackageJson} */
          const root = JSON.parse(readFileSync(join(this.workspaceRoot, 'package.json'), 'utf8'));
          const app = deployablePackageJson(JSON.parse(generated.source.source().toString()), root);
          compilation.updateAsset('package.json', new RawSource(`${JSON.stringify(app, null, 2)}\n`));
          const lock = compilation.getAsset('package-lock.json');
          if (lock) {
            const synced = syncLockRoot(JSON.parse(lock.source.source().toString()), app);
            compilation.updateAsset('package-lock.json', new RawSource(`${JSON.stringify(synced, null, 2)}\n`));
          }
        },
      );
    });
  }
}

module.exports = { DeployablePackageJsonPlugin, deployablePackageJson, syncLockRoot };
