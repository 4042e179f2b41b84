// The image's HEALTHCHECK: the readiness probe of whichever app runs as PID 1 (the entry point `exec`s it), from
// inside the container. Exit 0 = healthy. A one-off command has no probe: healthy while it runs.
'use strict';
const { readFileSync } = require('node:fs');
const http = require('node:http');

const env = process.env;
const loopback = (host) => (!host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** The app PID 1 runs, from its command line: `node /app/<app>/main.js [command]`. */
function runningApp() {
  try {
    const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
    const main = args.find((arg) => arg.endsWith('/main.js')) || '';
    const command = args[args.indexOf(main) + 1];
    return { app: main.split('/').slice(-2, -1)[0], command };
  } catch {
    return { app: undefined, command: undefined };
  }
}

function probeUrl({ app, command }) {
  if (command) return undefined;
  switch (app) {
    case 'api-gateway':
      return `http://127.0.0.1:${env.PORT || 3000}/api/health/ready`;
    case 'example-service':
      return `http://127.0.0.1:${env.PORT || 3002}/api/health`;
    case 'auth-microservice':
      if (env.AUTH_METRICS_PORT === '0') return undefined;
      return `http://${loopback(env.AUTH_METRICS_HOST)}:${env.AUTH_METRICS_PORT || 9464}/health/ready`;
    default:
      return undefined;
  }
}

const url = probeUrl(runningApp());
if (!url) process.exit(0);
const request = http.get(url, { timeout: 2500 }, (response) => {
  response.resume();
  process.exit(response.statusCode === 200 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
