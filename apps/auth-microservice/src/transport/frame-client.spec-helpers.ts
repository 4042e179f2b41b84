import { connect, type Socket } from 'node:net';

/**
 * A bare client of NestJS's TCP framing (`<length>#<json>`, length in characters), for specs that
 * talk to a real server over a real socket and need to send frames the stock client never would.
 */
export class FrameClient {
  private buffer = '';
  private readonly received: unknown[] = [];
  private readonly waiting: Array<{ resolve: (message: unknown) => void; reject: (error: Error) => void }> = [];
  private isClosed = false;
  /** Resolves when the server closes or destroys the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.waiting.splice(0).forEach(({ reject }) => reject(new Error('the server closed the connection')));
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<FrameClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => resolve(new FrameClient(socket)));
      socket.once('error', reject);
    });
  }

  static frame(message: unknown): string {
    const json = JSON.stringify(message);
    return `${json.length}#${json}`;
  }

  send(...messages: unknown[]): void {
    this.writeRaw(messages.map((message) => FrameClient.frame(message)).join(''));
  }

  writeRaw(text: string): void {
    this.socket.write(text);
  }

  /** The next frame from the server; rejects when the connection closes first, or after `timeoutMs`. */
  next(timeoutMs = 2_000): Promise<unknown> {
    const ready = this.received.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.isClosed) return Promise.reject(new Error('the server closed the connection'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  /** 'closed' if the server closed the connection within `ms`, else 'open'. */
  async stateAfter(ms: number): Promise<'closed' | 'open'> {
    let timer: NodeJS.Timeout | undefined;
    const open = new Promise<'open'>((resolve) => (timer = setTimeout(() => resolve('open'), ms)));
    const state = await Promise.race([this.closed.then(() => 'closed' as const), open]);
    clearTimeout(timer);
    return state;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    for (;;) {
      const hash = this.buffer.indexOf('#');
      if (hash === -1) return;
      const length = Number(this.buffer.slice(0, hash));
      if (this.buffer.length < hash + 1 + length) return;
      const message: unknown = JSON.parse(this.buffer.slice(hash + 1, hash + 1 + length));
      this.buffer = this.buffer.slice(hash + 1 + length);
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve(message);
      else this.received.push(message);
    }
  }
}
