import { type NatsOptions, type NatsContext, ServerNats } from '@nestjs/microservices';
import { natsConnectOptions, type NatsSettings, natsSubject } from '@nestjs-microservices/runtime';
import { ERROR_CODES, ERROR_MESSAGES, rpcError, type RpcErrorBody } from '@nestjs-microservices/shared';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { withCallTracking } from './call-tracking';
import { InFlightRequests } from './in-flight-requests';
import { routeOfPattern } from './message-route';

export interface AuthNatsServerOptions {
  nats: NatsSettings;
  /** Every instance joins this queue group, so NATS hands each request to exactly one of them. */
  queue: string;
  /** Larger requests are answered PAYLOAD_TOO_LARGE without being parsed. */
  maxPayloadBytes: number;
  /** The connection's name, as `nats-server` lists it (e.g. `auth-microservice@host:pid`). */
  connectionName: string;
}

type Reply = Record<string, unknown> & { isDisposed?: boolean; err?: unknown };

/**
 * NestJS's NATS transport server (`Transport.NATS`) as the auth service needs it: every pattern is a
 * subscription in one queue group (optionally under a subject prefix), oversized requests are refused
 * before parsing, and `close()` is graceful — it leaves the queue group first, so NATS hands new requests
 * to the other instances, then waits until every request this instance took has been answered.
 */
export class AuthNatsServer extends withCallTracking(ServerNats) {
  private readonly settings: AuthNatsServerOptions;
  private readonly inFlight = new InFlightRequests();
  private readonly subscriptionsByPattern: Subscription[] = [];

  constructor(options: AuthNatsServerOptions) {
    // waitOnFirstConnect: an instance started before NATS is up keeps trying instead of exiting.
    super({
      ...natsConnectOptions(options.nats, options.connectionName),
      queue: options.queue,
      waitOnFirstConnect: true,
    } satisfies Required<NatsOptions>['options']);
    this.settings = options;
  }

  override bindEvents(client: NatsConnection): void {
    for (const pattern of this.messageHandlers.keys()) {
      const subscription = client.subscribe(natsSubject(this.settings.nats, pattern), {
        queue: this.settings.queue,
        callback: (error, message) => {
          if (error) {
            this.logger.error(error.message);
            return;
          }
          void this.handleMessage(pattern, message);
        },
      });
      this.subscriptionsByPattern.push(subscription);
    }
  }

  override async handleMessage(channel: string, message: Msg): Promise<void> {
    if (!message.reply) return; // Events are not part of the contract.
    if (message.data.length > this.settings.maxPayloadBytes) {
      message.respond(this.encodeError(rpcError(ERROR_CODES.PAYLOAD_TOO_LARGE, 'The message is too large')));
      return;
    }
    if (this.inFlight.draining) {
      message.respond(this.encodeError(rpcError(ERROR_CODES.AUTH_UNAVAILABLE, ERROR_MESSAGES.AUTH_UNAVAILABLE)));
      return;
    }
    await super.handleMessage(channel, message);
  }

  /** Called once per request with a reply subject: the request counts as in flight until its last reply. */
  protected override getRouteFromPattern(pattern: string): string {
    return routeOfPattern(pattern, (other) => super.getRouteFromPattern(other));
  }

  override getPublisher(message: Msg, id: string, context: NatsContext): (response: Reply) => unknown {
    const publish = super.getPublisher(message, id, context);
    this.inFlight.start();
    let answered = false;
    return (response: Reply) => {
      const result: unknown = publish(response);
      if (!answered && (response.isDisposed || response.err !== undefined)) {
        answered = true;
        this.inFlight.finish();
      }
      return result;
    };
  }

  /** Publishes an event (no reply) to every subscriber, e.g. every gateway: Nest's event packet, as JSON. */
  publishEvent(pattern: string, data: unknown): void {
    const encoded = new TextEncoder().encode(JSON.stringify({ pattern, data }));
    this.unwrap<NatsConnection>().publish(natsSubject(this.settings.nats, pattern), encoded);
  }

  override async close(): Promise<void> {
    for (const subscription of this.subscriptionsByPattern.splice(0)) subscription.unsubscribe();
    if (this.inFlight.size > 0) this.logger.log(`Waiting for ${this.inFlight.size} request(s) in flight`);
    await this.inFlight.drain();
    try {
      await this.unwrap<NatsConnection>().flush();
    } catch {
      // Not connected: there is nothing left to flush, and close() below still releases the client.
    }
    await super.close();
  }

  /** A reply to a request that was not parsed: without its id (clients match replies by their inbox). */
  private encodeError(body: RpcErrorBody): Uint8Array {
    return this.serializer.serialize({ id: '', err: body, isDisposed: true }).data as Uint8Array;
  }
}
