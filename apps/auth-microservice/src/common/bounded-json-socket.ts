import type { Socket } from 'node:net';
import { JsonSocket, type JsonSocketOptions } from '@nestjs/microservices';

export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
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
    private readonly limits: Required<JsonSocketOptions>,
    private readonly onViolation: (reason: string, peer: string) => void,
  ) {
    super(socket, limits);
  }

  protected override handleData(data: Buffer | string): void {
    super.handleData(data);
    // `contentLength` is private in the typings; it holds the length announced by the frame being read.
    const declared: unknown = this['contentLength'];
    if (typeof declared === 'number' && declared > this.limits.maxBufferSize) {
      throw new FrameTooLargeError(`Frame of ${declared} characters exceeds the limit of ${this.limits.maxBufferSize}`);
    }
  }

  protected override handleDataError(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.onViolation(reason, `${this.netSocket.remoteAddress ?? '?'}:${this.netSocket.remotePort ?? '?'}`);
    super.handleDataError(error, { destroy: true });
  }
}
