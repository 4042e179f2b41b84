import type { Socket } from 'node:net';
import { ServerTCP, type TcpSocket } from '@nestjs/microservices';
import { ERROR_CODES, ERROR_MESSAGES, rpcError } from '@nestjs-microservices/shared';
import { BoundedJsonSocket, connectionBufferLimit } from './bounded-json-socket';

export interface AuthTcpServerOptions {
  host: string;
  port: number;
  /** Largest frame accepted, in characters of its JSON text (how NestJS's framing counts). */
  maxFrameLength: number;
  incompleteMessageTimeoutMs: number;
  maxSendBufferBytes: number;
}

/**
 * NestJS's TCP transport server (`Transport.TCP`), hardened for a port anyone on the network may reach:
 * frames are bounded (see `BoundedJsonSocket`), and a request for a pattern nobody handles gets a
 * typed UNKNOWN_PATTERN error instead of Nest's untyped string.
 */
export class AuthTcpServer extends ServerTCP {
  private readonly limits: AuthTcpServerOptions;

  constructor(options: AuthTcpServerOptions) {
    super({
      host: options.host,
      port: options.port,
      // Applied by BoundedJsonSocket (see getSocketInstance); stated here so the server's limit is visible.
      maxBufferSize: connectionBufferLimit(options.maxFrameLength),
      incompleteMessageTimeout: options.incompleteMessageTimeoutMs,
      maxSendBufferSize: options.maxSendBufferBytes,
    });
    this.limits = options;
  }

  override async handleMessage(socket: TcpSocket, rawMessage: unknown): Promise<void> {
    const packet = rawMessage as { id?: unknown; pattern?: unknown } | null;
    const isRequest = typeof packet === 'object' && packet !== null && packet.id !== undefined;
    if (isRequest && (typeof packet.pattern !== 'string' || !this.getHandlerByPattern(packet.pattern))) {
      socket.sendMessage({
        id: packet.id,
        err: rpcError(ERROR_CODES.UNKNOWN_PATTERN, ERROR_MESSAGES.UNKNOWN_PATTERN),
        isDisposed: true,
      });
      return;
    }
    if (!isRequest) {
      // Events (no id, no reply) are not part of the contract: drop them without a log line per frame.
      return;
    }
    await super.handleMessage(socket, rawMessage);
  }

  protected override getSocketInstance(socket: Socket): TcpSocket {
    return new BoundedJsonSocket(
      socket,
      {
        maxFrameLength: this.limits.maxFrameLength,
        incompleteMessageTimeout: this.limits.incompleteMessageTimeoutMs,
        maxSendBufferSize: this.limits.maxSendBufferBytes,
      },
      (reason, peer) => this.logger.warn(`Closed the connection from ${peer}: ${reason}`),
    );
  }

  /** A misbehaving peer is already reported, in one line, by its socket: no stack trace per bad frame. */
  protected override handleError(error: unknown): void {
    if (error instanceof Error && error.constructor.name === 'InvalidTcpDataReceptionException') return;
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}
