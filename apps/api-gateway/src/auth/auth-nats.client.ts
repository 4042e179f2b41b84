import { randomUUID } from 'node:crypto';
import { ClientNats, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { natsConnectOptions, type NatsSettings, natsSubject } from '@nestjs-microservices/runtime';
import { ErrorCode as NatsErrorCode, type Msg, type MsgHdrs, type NatsConnection, NatsError } from 'nats';

export interface AuthNatsClientOptions {
  nats: NatsSettings;
  /** NATS's own deadline for a reply; the caller's (shorter) timeout normally fires first. */
  requestTimeoutMs: number;
  /** The connection's name, as `nats-server` lists it. */
  connectionName: string;
}

/**
 * NestJS's NATS client (`Transport.NATS`), with two changes the gateway relies on:
 * - requests go through `NatsConnection.request()`: one shared reply subscription instead of one per request,
 *   and when no auth instance is subscribed NATS answers "no responders" at once (a 503 now, not a 504 later);
 * - while NATS is unreachable, calls fail at once with an `Error` (Nest rejects with a bare string), and so do the
 *   calls waiting for a reply when the connection drops (503 now, not a 504 at the timeout).
 */
export class AuthNatsClient extends ClientNats {
  private readonly settings: AuthNatsClientOptions;
  /** How to fail each request waiting for its reply: a reply cannot come over a connection that is gone. */
  private readonly waiting = new Set<(error: Error) => void>();

  constructor(options: AuthNatsClientOptions) {
    super(natsConnectOptions(options.nats, options.connectionName));
    this.settings = options;
    this.on('disconnect', () => {
      for (const fail of this.waiting) fail(new Error('NATS connection lost while waiting for the reply'));
      this.waiting.clear();
    });
  }

  override async connect(): Promise<NatsConnection> {
    try {
      return (await super.connect()) as NatsConnection;
    } catch (error) {
      throw error instanceof Error ? error : new Error(`NATS: ${String(error)}`);
    }
  }

  /** Calls `listener` with the `data` of every `pattern` event from now on (reconnects keep the subscription). */
  async subscribeToEvent(pattern: string, listener: (data: unknown) => void): Promise<void> {
    const connection = await this.connect();
    connection.subscribe(natsSubject(this.settings.nats, pattern), {
      callback: (error, message) => {
        if (error) return;
        let packet: unknown;
        try {
          packet = JSON.parse(new TextDecoder().decode(message.data));
        } catch {
          this.logger.warn(`Ignored an event on ${message.subject} that is not JSON`);
          return;
        }
        listener(typeof packet === 'object' && packet !== null ? (packet as { data?: unknown }).data : undefined);
      },
    });
  }

  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let listening = true;
    const deliver = async (): Promise<void> => {
      const reply = await this.request(partialPacket);
      if (listening) callback(reply);
    };
    void deliver();
    return () => {
      listening = false;
    };
  }

  /** One request and its one reply, as the packet `ClientProxy` expects; never rejects. */
  private async request(partialPacket: ReadPacket): Promise<WritePacket> {
    try {
      const packet = { ...partialPacket, id: randomUUID() };
      const subject = natsSubject(this.settings.nats, this.normalizePattern(packet.pattern));
      const { data, headers } = this.serializer.serialize(packet) as { data: Uint8Array; headers?: MsgHdrs };
      const connection = this.unwrap<NatsConnection>();
      const message = await this.replyTo(connection, subject, data, headers);
      const { err, response } = await this.deserializer.deserialize(message.data);
      return { err, response, isDisposed: true };
    } catch (error) {
      return { err: describeFailure(error) };
    }
  }

  /** NATS's reply, or an error at once if the connection drops first (nats.js would wait for its timeout). */
  private replyTo(connection: NatsConnection, subject: string, data: Uint8Array, headers?: MsgHdrs): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => {
      const fail = (error: Error): void => reject(error);
      this.waiting.add(fail);
      const settle = async (): Promise<void> => {
        try {
          resolve(await connection.request(subject, data, { timeout: this.settings.requestTimeoutMs, headers }));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        } finally {
          this.waiting.delete(fail);
        }
      };
      void settle();
    });
  }
}

function describeFailure(error: unknown): Error {
  if (error instanceof NatsError && error.code === NatsErrorCode.NoResponders) {
    return new Error('no auth service instance is subscribed (NATS: no responders)');
  }
  return error instanceof Error ? error : new Error(String(error));
}
