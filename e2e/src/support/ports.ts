import { createServer, type AddressInfo } from 'node:net';

/** Ports handed out by this process, so two calls in a row never return the same port. */
const handedOut = new Set<number>();

function listenOnEphemeralPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as AddressInfo;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}

/** A TCP port that was free a moment ago on `host` (listen on port 0, read the port, close). */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await listenOnEphemeralPort(host);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`Could not find a free port on ${host} that was not handed out already`);
}
