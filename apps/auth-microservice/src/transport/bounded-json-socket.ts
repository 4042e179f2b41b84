import type { Socket } from 'node:net';
import { JsonSocket, type JsonSocketOptions } from '@nestjs/microservices';
import { escapeLogText } from '@nestjs-microservices/runtime';

export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
}

export interface FrameLimits {
  /** Largest frame, in characters of its JSON text (the unit of the `<length>#` prefix). */
  maxFrameLength: number;
  incompleteMessageTimeout: number;
  maxSendBufferSize: number;
}

/**
 * The stock `maxBufferSize` check applies to everything not yet parsed: the frame being read (with
 * its `<length>#` prefix) plus whatever else arrived in the same read — pipelined requests, up to
 * one socket read of 64 KiB. It gets this much room above the frame limit, so that it only catches
 * runaway data; the frame limit itself is enforced per frame, below.
 */
export const READ_HEADROOM = 64 * 1024 + 64;
/** No connection may make the server buffer more than this (characters). */
export const MAX_CONNECTION_BUFFER = 1024 * 1024;
export const MAX_FRAME_LENGTH = MAX_CONNECTION_BUFFER - READ_HEADROOM;

/** How much of a framing error (which may quote the peer's data) is logged, in characters. */
const MAX_QUOTED_REASON = 300;

export function connectionBufferLimit(maxFrameLength: number): number {
  return maxFrameLength + READ_HEADROOM;
}

/**
 * NestJS's `JsonSocket` with two changes for an untrusted peer:
 * - a declared frame length over the limit is refused as soon as the `<length>#` prefix arrives
 *   (the stock socket buffers until the data itself overflows or the incomplete-message timer fires);
 * - any framing error destroys the socket instead of half-closing it, so a hostile peer cannot
 *   keep streaming into a connection that is already condemned.
 */
export class BoundedJsonSocket extends JsonSocket {
  constructor(
    socket: Socket,
    private readonly limits: FrameLimits,
    private readonly onViolation: (reason: string, peer: string) => void,
  ) {
    super(socket, {
      maxBufferSize: connectionBufferLimit(limits.maxFrameLength),
      incompleteMessageTimeout: limits.incompleteMessageTimeout,
      maxSendBufferSize: limits.maxSendBufferSize,
    } satisfies JsonSocketOptions);
  }

  protected override handleData(data: Buffer | string): void {
    super.handleData(data);
    // `contentLength` is private in the typings; it holds the length announced by the frame being read.
    const declared: unknown = this['contentLength'];
    if (typeof declared === 'number' && declared > this.limits.maxFrameLength) {
      throw new FrameTooLargeError(
        `Frame of ${declared} characters exceeds the limit of ${this.limits.maxFrameLength}`,
      );
    }
  }

  protected override handleDataError(error: unknown): void {
    // Nest's framing errors quote what the peer sent (up to a whole frame): a short, escaped excerpt is enough.
    const reason = escapeLogText(error instanceof Error ? error.message : String(error), MAX_QUOTED_REASON);
    this.onViolation(reason, `${this.netSocket.remoteAddress ?? '?'}:${this.netSocket.remotePort ?? '?'}`);
    super.handleDataError(error, { destroy: true });
  }
}
