import { loadSqliteDriver, NAPI_DRIVER_FROM_NODE_MAJOR } from './sqlite-driver';

const runningMajor = Number(process.versions.node.split('.')[0]);

function napiInstalled(): boolean {
  try {
    require.resolve('better-sqlite3-napi');
    return true;
  } catch {
    return false;
  }
}

describe('loadSqliteDriver', () => {
  it('loads a build that works on this Node.js: statements and a transaction', () => {
    const SQLite = loadSqliteDriver();
    const db = new SQLite(':memory:');
    try {
      db.exec('CREATE TABLE t (n INTEGER)');
      const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
      db.transaction((count: number) => {
        for (let n = 0; n < count; n += 1) insert.run(n);
      })(100);
      expect(insert.reader).toBe(false);
      expect(db.prepare('SELECT count(*) AS c, sum(n) AS s FROM t').get()).toEqual({ c: 100, s: 4950 });
    } finally {
      db.close();
    }
  });

  it('loads better-sqlite3 12 below Node 24', () => {
    expect(loadSqliteDriver('20.20.2')).toBe(require('better-sqlite3'));
    expect(loadSqliteDriver('22.23.3')).toBe(require('better-sqlite3'));
  });

  (runningMajor >= NAPI_DRIVER_FROM_NODE_MAJOR ? it : it.skip)('loads the Node-API build (13) from Node 24 on', () => {
    const napi: unknown = require('better-sqlite3-napi');
    expect(napi).not.toBe(require('better-sqlite3'));
    expect(loadSqliteDriver('24.0.0')).toBe(napi);
    expect(loadSqliteDriver()).toBe(napi);
  });

  (napiInstalled() ? it.skip : it)(
    'where the Node-API build is not installed (npm skips it below Node 22), a Node 24+ start fails and says why',
    () => {
      expect(() => loadSqliteDriver('24.21.0')).toThrow(
        /SQLite needs better-sqlite3 13 on Node.js 24\.21\.0 \(the optional dependency better-sqlite3-napi\).*Cause: .*Cannot find module 'better-sqlite3-napi'/s,
      );
    },
  );
});
