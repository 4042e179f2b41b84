#!/usr/bin/env node
// `npm run start:cluster`: the production topology on one machine — 3 auth instances in one NATS queue group on
// one PostgreSQL database, and 2 gateways (consecutive ports from PORT, default 3000) sharing rate limits in Redis.
// Needs PostgreSQL, NATS and Redis running (see docs/deployment.md); Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const AUTH_INSTANCES = Number(process.env.AUTH_INSTANCES ?? 3);
const GATEWAYS = Number(process.env.GATEWAYS ?? 2);
const FIRST_PORT = Number(process.env.PORT ?? 3000);
const FIRST_METRICS_PORT = Number(process.env.AUTH_METRICS_PORT ?? 9464);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/auth_cluster';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const HOW_TO_START = {
  PostgreSQL: 'apt-get install postgresql, or: docker run -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:17',
  NATS: 'nats-server -a 127.0.0.1 -p 4222, or: docker run -p 4222:4222 nats:2',
  Redis: 'redis-server --bind 127.0.0.1 --port 6379, or: docker run -p 6379:6379 redis:7',
};

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort) });
    socket.setTimeout(2_000);
    socket.once('connect', () => resolve(true) || socket.destroy());
    socket.once('timeout', () => resolve(false) || socket.destroy());
    socket.once('error', () => resolve(false));
  });
}

async function checkDependencies() {
  const missing = [];
  for (const [name, url, port] of [
    ['PostgreSQL', DATABASE_URL, 5432],
    ['NATS', NATS_URL, 4222],
    ['Redis', REDIS_URL, 6379],
  ]) {
    if (!(await reachable(url, port)))
      missing.push(`  ${name} at ${new URL(url).host}: start it (${HOW_TO_START[name]})`);
  }
  if (missing.length) {
    console.error(`start:cluster needs PostgreSQL, NATS and Redis. Not reachable:\n${missing.join('\n')}`);
    process.exit(1);
  }
}

/** Creates the cluster's database if it does not exist yet (the auth instances migrate it). */
async function ensureDatabase() {
  const url = new URL(DATABASE_URL);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
      console.log(`Created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

const children = [];
let stopping = false;

function start(name, script, env) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    console.log(`${prefix}exited (${signal ?? code})`);
    if (!stopping) void stopAll(1);
  });
  children.push(child);
  return child;
}

async function waitUntilOk(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : 0)));
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

await checkDependencies();
await ensureDatabase();
const shared = { TRANSPORT: 'nats', NATS_URL };
for (let i = 0; i < AUTH_INSTANCES; i++) {
  const metricsPort = FIRST_METRICS_PORT + i;
  start(`auth-${i + 1}`, 'dist/apps/auth-microservice/main.js', {
    ...shared,
    DATABASE_URL,
    AUTH_METRICS_PORT: String(metricsPort),
  });
}
try {
  await Promise.all(
    Array.from({ length: AUTH_INSTANCES }, (_, i) =>
      waitUntilOk(`http://127.0.0.1:${FIRST_METRICS_PORT + i}/health/ready`),
    ),
  );
  for (let i = 0; i < GATEWAYS; i++) {
    start(`gateway-${i + 1}`, 'dist/apps/api-gateway/main.js', { ...shared, REDIS_URL, PORT: String(FIRST_PORT + i) });
  }
  await Promise.all(
    Array.from({ length: GATEWAYS }, (_, i) => waitUntilOk(`http://127.0.0.1:${FIRST_PORT + i}/api/health/ready`)),
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  await stopAll(1);
}
const gatewayUrls = Array.from({ length: GATEWAYS }, (_, i) => `http://127.0.0.1:${FIRST_PORT + i}/api`);
console.log(
  `\nCluster ready: ${AUTH_INSTANCES} auth instances (metrics on ports ${FIRST_METRICS_PORT}–${FIRST_METRICS_PORT + AUTH_INSTANCES - 1}), ` +
    `gateways at ${gatewayUrls.join(' and ')}. Ctrl-C stops it.\n`,
);
