import type { Compiler } from 'webpack';

export type OverrideTree = { [name: string]: string | OverrideTree };

export interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  overrides?: OverrideTree;
  engines?: Record<string, string>;
  [field: string]: unknown;
}

export function deployablePackageJson(app: PackageJson, root: PackageJson): PackageJson;
export function syncLockRoot<T extends { packages?: Record<string, Record<string, unknown>> }>(
  lock: T,
  app: PackageJson,
): T;

export class DeployablePackageJsonPlugin {
  constructor(options: { workspaceRoot: string });
  apply(compiler: Compiler): void;
}
