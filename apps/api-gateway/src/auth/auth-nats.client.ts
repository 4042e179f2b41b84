import { ClientNats, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { natsConnectOptions, type NatsSettings, natsSubject } from '@nestjs-microservices/runtime';
import { ErrorCode as NatsErrorCode, type MsgHdrs, type NatsConnection, NatsError } from 'nats';

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
 * - while NATS is unreachable, calls fail at once with an `Error` (Nest rejects with a bare string).
 */
export class AuthNatsClient extends ClientNats {
  private readonly settings: AuthNatsClientOptions;

  constructor(options: AuthNatsClientOptions) {
    super(natsConnectOptions(options.nats, options.connectionName));
    this.settings = options;
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
      const packet = this.assignPacketId(partialPacket);
      const subject = natsSubject(this.settings.nats, this.normalizePattern(packet.pattern));
      const { data, headers } = this.serializer.serialize(packet) as { data: Uint8Array; headers?: MsgHdrs };
      const connection = this.natsClient as NatsConnection;
      const message = await connection.request(subject, data, { timeout: this.settings.requestTimeoutMs, headers });
      const { err, response } = await this.deserializer.deserialize(message.data);
      return { err, response, isDisposed: true };
    } catch (error) {
      return { err: describeFailure(error) };
    }
  }
}

function describeFailure(error: unknown): Error {
  if (error instanceof NatsError && error.code === NatsErrorCode.NoResponders) {
    return new Error('no auth service instance is subscribed (NATS: no responders)');
  }
  return error instanceof Error ? error : new Error(String(error));
}
