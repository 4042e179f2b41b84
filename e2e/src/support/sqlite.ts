import type BetterSqlite3 from 'better-sqlite3';

/**
 * better-sqlite3 as the auth service loads it (apps/auth-microservice/src/database/sqlite-driver.ts): the Node-API
 * build (13, `better-sqlite3-napi`) from Node 24 on, where 12 can abort the process when a statement is collected,
 * and 12 below it. The suites are black-box clients of the apps and import nothing from them.
 */
function driver(): typeof BetterSqlite3 {
  const napi = Number(process.versions.node.split('.')[0]) >= 24;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one of two builds, chosen by the Node.js version
  return (napi ? require('better-sqlite3-napi') : require('better-sqlite3')) as typeof BetterSqlite3;
}

/** Runs `work` on the database file opened read-only (the app may be writing it), and closes it. */
export function withSqliteFile<T>(file: string, work: (db: BetterSqlite3.Database) => T): T {
  const db = new (driver())(file, { readonly: true, fileMustExist: true });
  try {
    return work(db);
  } finally {
    db.close();
  }
}
