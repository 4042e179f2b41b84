import type { Socket } from 'node:net';
import { type TlsOptions, TLSSocket } from 'node:tls';
import { ServerTCP, TcpContext, type TcpOptions, type TcpSocket, type WritePacket } from '@nestjs/microservices';
import type { Observable, Subscription } from 'rxjs';
import { ERROR_CODES, ERROR_MESSAGES, rpcError } from '@nestjs-microservices/shared';
import { BoundedJsonSocket, connectionBufferLimit } from './bounded-json-socket';
import { withCallTracking } from './call-tracking';
import { certificateNames } from './client-certificate';
import { InFlightRequests } from './in-flight-requests';
import { routeOfPattern } from './message-route';

export interface AuthTcpServerOptions {
  host: string;
  port: number;
  /** Largest frame accepted, in characters of its JSON text (how NestJS's framing counts). */
  maxFrameLength: number;
  incompleteMessageTimeoutMs: number;
  maxSendBufferBytes: number;
  /** Connections beyond this are closed as soon as they are accepted. */
  maxConnections: number;
  /** A connection without traffic for this long is closed (a client that needs it again reconnects). */
  idleTimeoutMs: number;
  /** Mutual TLS: clients must present a certificate signed by `ca`. */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /** With `tls`: a client whose certificate names (subject CN, SANs) include none of these is disconnected. */
  allowedClients?: readonly string[];
  /** Believe the `meta.clientIp` callers send (see `InternalPortExposure`); otherwise their connection address counts. */
  trustsClaimedClientIp: boolean;
}

/** The TLS handshake must be done within this (or the idle timeout if shorter), like any other silence. */
const MAX_HANDSHAKE_MS = 10_000;

function mutualTls(files: NonNullable<AuthTcpServerOptions['tls']>, idleTimeoutMs: number): TlsOptions {
  return {
    ...files,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
    handshakeTimeout: Math.min(idleTimeoutMs, MAX_HANDSHAKE_MS),
  };
}

/** `::ffff:10.0.0.7` as `10.0.0.7`: the form the gateway sends and the throttle keys on. */
function plainAddress(address: string | undefined): string | undefined {
  return address?.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

/**
 * NestJS's TCP transport server (`Transport.TCP`), hardened for a port anyone on the network may reach:
 * frames are bounded (see `BoundedJsonSocket`), and a request for a pattern nobody handles gets a
 * typed UNKNOWN_PATTERN error instead of Nest's untyped string. It also closes gracefully: the stock
 * `close()` destroys every socket at once, losing the replies of requests being handled.
 */
export class AuthTcpServer extends withCallTracking(ServerTCP) {
  private readonly limits: AuthTcpServerOptions;
  private readonly inFlight = new InFlightRequests();

  constructor(options: AuthTcpServerOptions) {
    super({
      host: options.host,
      port: options.port,
      // Applied by BoundedJsonSocket (see getSocketInstance); stated here so the server's limit is visible.
      maxBufferSize: connectionBufferLimit(options.maxFrameLength),
      incompleteMessageTimeout: options.incompleteMessageTimeoutMs,
      maxSendBufferSize: options.maxSendBufferBytes,
      ...(options.tls && { tlsOptions: mutualTls(options.tls, options.idleTimeoutMs) }),
    } satisfies Required<TcpOptions>['options']);
    this.limits = options;
    this.server.maxConnections = options.maxConnections;
    // A failed handshake (one that timed out included) leaves the socket open unless its listener closes it.
    this.server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
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
    if (this.inFlight.draining) {
      socket.sendMessage({
        id: packet.id,
        err: rpcError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE),
        isDisposed: true,
      });
      return;
    }
    this.inFlight.start();
    try {
      await super.handleMessage(socket, rawMessage);
    } catch (error) {
      this.inFlight.finish();
      throw error;
    }
  }

  /**
   * Each accepted connection (after the TLS handshake, with TLS): a caller whose certificate is not among the
   * allowed ones is disconnected before a byte of it is read, and every connection gets the idle timeout.
   */
  override bindHandler(socket: Socket): void {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const allowed = this.limits.allowedClients;
    if (allowed && socket instanceof TLSSocket) {
      const names = certificateNames(socket.getPeerCertificate());
      if (!names.some((name) => allowed.includes(name))) {
        this.logger.warn(`Disconnected ${peer}: its certificate names none of AUTH_TLS_ALLOWED_CLIENTS`);
        socket.destroy();
        return;
      }
    }
    socket.setTimeout(this.limits.idleTimeoutMs, () => {
      this.logger.debug?.(`Closed an idle connection from ${peer}`);
      socket.destroy();
    });
    super.bindHandler(socket);
  }

  /** The client IP a request is handled for: the one its caller claims if it is believed, else its address. */
  protected override clientIpOf(context: unknown, claimed: string | undefined): string | undefined {
    if (this.limits.trustsClaimedClientIp) return claimed;
    return context instanceof TcpContext ? plainAddress(context.getSocketRef().netSocket.remoteAddress) : undefined;
  }

  /** Every reply of a request passes here; the last one (`isDisposed`) ends that request. */
  protected override getRouteFromPattern(pattern: string): string {
    return routeOfPattern(pattern, (other) => super.getRouteFromPattern(other));
  }

  override send(stream$: Observable<unknown>, respond: (data: WritePacket) => Promise<unknown> | void): Subscription {
    return super.send(stream$, (packet) => {
      if (packet.isDisposed) this.inFlight.finish();
      return respond(packet);
    });
  }

  /** Stops accepting connections and requests, waits for the requests being handled to be answered, then closes. */
  // The base declares `close(): void`, but NestMicroservice.close() awaits what it returns: the wait is the point.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  override async close(): Promise<void> {
    this.isManuallyTerminated = true;
    this.server.close();
    if (this.inFlight.size > 0) this.logger.log(`Waiting for ${this.inFlight.size} request(s) in flight`);
    await this.inFlight.drain();
    super.close();
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
