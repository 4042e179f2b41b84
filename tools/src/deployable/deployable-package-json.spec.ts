import { deployablePackageJson, syncLockRoot } from './deployable-package-json';

const root = {
  dependencies: { fastify: '5.12.8', '@nestjs/swagger': '^11.4.7', zod: '^4.6.7' },
  devDependencies: { jest: '~30.3.0' },
  optionalDependencies: { 'better-sqlite3-napi': 'npm:better-sqlite3@^13.2.0' },
  overrides: { fastify: '$fastify', 'find-my-way': '9.10.2', '@nestjs/swagger': { 'js-yaml': '5.4.3' } },
  engines: { node: '>=20.12' },
};

describe('deployablePackageJson', () => {
  it('keeps every root override, nested ones and those of direct dependencies included, with references resolved', () => {
    // What Nx writes: the overrides of direct dependencies dropped, and a reference to a package it does not list.
    const generated = {
      name: 'auth-microservice',
      dependencies: { '@nestjs/swagger': '11.4.7', zod: '4.6.7' },
      overrides: { fastify: '$fastify', 'find-my-way': '9.10.2' },
    };

    expect(deployablePackageJson(generated, root).overrides).toEqual({
      fastify: '5.12.8',
      'find-my-way': '9.10.2',
      '@nestjs/swagger': { 'js-yaml': '5.4.3' },
    });
  });

  it('moves the root optional dependencies to optionalDependencies and copies engines', () => {
    const generated = { dependencies: { fastify: '5.12.8', 'better-sqlite3-napi': 'npm:better-sqlite3@13.2.0' } };

    const result = deployablePackageJson(generated, root);

    expect(result.dependencies).toEqual({ fastify: '5.12.8' });
    expect(result.optionalDependencies).toEqual({ 'better-sqlite3-napi': 'npm:better-sqlite3@13.2.0' });
    expect(result.engines).toEqual({ node: '>=20.12' });
  });

  it('refuses an override that npm would reject (EOVERRIDE): a direct dependency at another version', () => {
    expect(() => deployablePackageJson({ dependencies: { fastify: '5.11.3' } }, root)).toThrow(
      "override fastify@5.12.8 differs from the app's dependency fastify@5.11.3",
    );
  });

  it('refuses a reference to a package the root does not have', () => {
    expect(() => deployablePackageJson({}, { overrides: { x: '$missing' } })).toThrow(
      'override x: the root package.json has no dependency missing',
    );
  });
});

describe('syncLockRoot', () => {
  it('makes the lock file root entry state what package.json states', () => {
    const lock = {
      packages: {
        '': { name: 'a', dependencies: { x: '1.0.0', y: '2.0.0' }, overrides: { z: '1' } },
        'node_modules/x': {},
      },
    };

    syncLockRoot(lock, { dependencies: { x: '1.0.0' }, optionalDependencies: { y: '2.0.0' }, overrides: { z: '2' } });

    expect(lock.packages['']).toEqual({
      name: 'a',
      dependencies: { x: '1.0.0' },
      optionalDependencies: { y: '2.0.0' },
      overrides: { z: '2' },
    });
  });
});
