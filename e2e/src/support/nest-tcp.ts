import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/**
 * NestJS TCP transport framing: `<length>#<json>`, where `<length>` is the JSON text's `.length`
 * (UTF-16 code units, not bytes).
 */
export function encodeFrame(message: unknown): string {
  const json = JSON.stringify(message);
  return `${json.length}#${json}`;
}

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/** The contract's message data: `{meta, payload}`, with a request id of our own and any other meta given. */
export function rpcData(
  payload: unknown,
  requestId: string = randomUUID(),
  meta: { clientIp?: string; userAgent?: string } = {},
): { meta: { requestId: string; clientIp?: string; userAgent?: string }; payload: unknown } {
  return { meta: { requestId: `e2e-${requestId}`, ...meta }, payload };
}

/**
 * Incremental decoder for the stream of frames a socket receives: feed it every `data` chunk (a
 * frame may be split over chunks, a chunk may hold several frames, a chunk may even end in the
 * middle of a multi-byte character) and it returns the JSON texts of the frames completed so far.
 */
export class FrameDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private expectedLength: number | null = null;

  push(chunk: Buffer | string): string[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const frames: string[] = [];
    for (;;) {
      if (this.expectedLength === null) {
        const hash = this.buffer.indexOf('#');
        if (hash === -1) {
          if (!/^\d*$/.test(this.buffer)) {
            throw new FrameError(`Corrupted frame prefix: ${JSON.stringify(this.buffer.slice(0, 40))}`);
          }
          break;
        }
        const prefix = this.buffer.slice(0, hash);
        if (!/^\d+$/.test(prefix)) {
          throw new FrameError(`Corrupted frame length: ${JSON.stringify(prefix.slice(0, 40))}`);
        }
        this.expectedLength = Number(prefix);
        this.buffer = this.buffer.slice(hash + 1);
      }
      if (this.buffer.length < this.expectedLength) {
        break;
      }
      frames.push(this.buffer.slice(0, this.expectedLength));
      this.buffer = this.buffer.slice(this.expectedLength);
      this.expectedLength = null;
    }
    return frames;
  }

  /** True when part of a frame has been received but not all of it. */
  get hasPartialFrame(): boolean {
    return this.expectedLength !== null || this.buffer.length > 0;
  }
}

/** The error part of a reply: what the contract calls a typed RPC error. */
export interface NestTcpErrorBody {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  details?: unknown;
}

/** A reply frame of the NestJS TCP transport. */
export interface NestTcpReply {
  id: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
  [key: string]: unknown;
}

export function isNestTcpReply(value: unknown): value is NestTcpReply {
  return typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string';
}

interface PendingRequest {
  resolve: (reply: NestTcpReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface CloseInfo {
  /** `performance.now()` when the socket closed. */
  at: number;
  /** Whether the peer reset the connection (ECONNRESET) rather than ending it. */
  hadError: boolean;
}

/**
 * A plain `net` client speaking the NestJS TCP framing, for poking the auth service without Nest.
 * It never throws on socket errors: they are recorded in `errors`, and `closed` tells whether the
 * connection is gone.
 */
export class RawTcpClient {
  readonly replies: NestTcpReply[] = [];
  /** Frames that were not JSON or not replies. */
  readonly strayFrames: string[] = [];
  readonly errors: Error[] = [];
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<string, PendingRequest>();
  private closeInfo: CloseInfo | undefined;
  private readonly closedPromise: Promise<CloseInfo>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.errors.push(error));
    this.closedPromise = new Promise<CloseInfo>((resolve) => {
      socket.once('close', (hadError) => {
        this.closeInfo = { at: performance.now(), hadError };
        for (const [id, pending] of this.pending) {
          clearTimeout(pending.timer);
          pending.reject(new Error(`Socket closed before the reply to ${id} arrived`));
        }
        this.pending.clear();
        resolve(this.closeInfo);
      });
    });
  }

  static connect(port: number, host = '127.0.0.1', timeoutMs = 5_000): Promise<RawTcpClient> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`TCP connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawTcpClient(socket));
      });
    });
  }

  get closed(): boolean {
    return this.closeInfo !== undefined;
  }

  private onData(chunk: Buffer): void {
    let frames: string[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(frame) as unknown;
      } catch {
        this.strayFrames.push(frame);
        continue;
      }
      if (!isNestTcpReply(parsed)) {
        this.strayFrames.push(frame);
        continue;
      }
      this.replies.push(parsed);
      const pending = this.pending.get(parsed.id);
      if (pending) {
        this.pending.delete(parsed.id);
        clearTimeout(pending.timer);
        pending.resolve(parsed);
      }
    }
  }

  /** Writes raw data; resolves when written, or with the error if the socket refused it. */
  write(data: string | Buffer): Promise<Error | undefined> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) {
        resolve(new Error('socket is not writable'));
        return;
      }
      this.socket.write(data, (error) => resolve(error ?? undefined));
    });
  }

  /** Waits for the reply with this id (already received or still to come). */
  waitForReply(id: string, timeoutMs = 5_000): Promise<NestTcpReply> {
    const received = this.replies.find((reply) => reply.id === id);
    if (received) return Promise.resolve(received);
    if (this.closed) return Promise.reject(new Error(`Socket is closed; no reply to ${id}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`No reply to ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve, reject: reject, timer });
    });
  }

  /** Sends `{pattern, data: {meta, payload}, id}` (the contract's envelope) as one frame and waits for its reply. */
  async request(
    pattern: string,
    payload: unknown,
    timeoutMs = 5_000,
    meta: { clientIp?: string } = {},
  ): Promise<NestTcpReply> {
    const id = randomUUID();
    const data = rpcData(payload, id, meta);
    const reply = this.waitForReply(id, timeoutMs);
    reply.catch(() => undefined);
    const error = await this.write(encodeFrame({ pattern, data, id }));
    if (error) {
      throw new Error(`Could not send ${pattern}: ${error.message}`);
    }
    return reply;
  }

  /** Resolves when the peer (or we) closed the socket; rejects after `timeoutMs`. */
  async waitForClose(timeoutMs: number): Promise<CloseInfo> {
    if (this.closeInfo) return this.closeInfo;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`Socket still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closedPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether the socket is still open after waiting `ms` (i.e. the server did not close it). */
  async stillOpenAfter(ms: number): Promise<boolean> {
    try {
      await this.waitForClose(ms);
      return false;
    } catch {
      return true;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
