import type SQLite from 'better-sqlite3';

export type SqliteDriver = typeof SQLite;

/** From this Node.js major on, the Node-API build (better-sqlite3 13, installed as `better-sqlite3-napi`) is used. */
export const NAPI_DRIVER_FROM_NODE_MAJOR = 24;

/**
 * The better-sqlite3 build for the Node.js it runs on; both have one API. better-sqlite3 12 wraps statements in
 * `node::ObjectWrap`, which on Node 24.19 and later aborts the whole process (`RemoveEnvironmentCleanupHook:
 * (env) != nullptr`) when V8 collects a statement outside a JavaScript context, as an idle collection does.
 * better-sqlite3 13 is rewritten on Node-API and does not, but needs Node 22 (on Node 20 it crashes at once), and
 * 12 has the longer record on 20 and 22: 13 is used where 12 is broken. npm installs 13 only where its engines allow
 * (it is optional); 12 is always installed. Loaded on first use, so a service on PostgreSQL never loads either.
 */
export function loadSqliteDriver(nodeVersion: string = process.versions.node): SqliteDriver {
  if (Number(nodeVersion.split('.')[0]) < NAPI_DRIVER_FROM_NODE_MAJOR) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, and only this build
    return require('better-sqlite3') as SqliteDriver;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, and only this build
    return require('better-sqlite3-napi') as SqliteDriver;
  } catch (failure) {
    throw new Error(
      `SQLite needs better-sqlite3 13 on Node.js ${nodeVersion} (the optional dependency better-sqlite3-napi), ` +
        `and it could not be loaded: run npm install without --omit=optional, or use PostgreSQL (DATABASE_URL). ` +
        `Cause: ${failure instanceof Error ? failure.message : String(failure)}`,
    );
  }
}
