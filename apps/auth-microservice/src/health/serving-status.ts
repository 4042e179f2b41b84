import { Injectable } from '@nestjs/common';
import { ShutdownState } from '@nestjs-microservices/runtime';
import type { AuthHealthResponse } from '@nestjs-microservices/shared';
import type { Observable } from 'rxjs';

// What Nest's transport servers report while they can take requests (TCP: listening; NATS: connected to it).
const SERVING_STATUS = 'connected';

/** The readiness probe's time budget for the database's `select 1` (an orchestrator's probe times out after ~1 s). */
export const READY_DATABASE_TIMEOUT_MS = 800;

export interface Readiness {
  ready: boolean;
  body: { status: 'ok' | 'unavailable'; transport: string; database?: 'up' | 'down'; shutdown?: 'draining' };
}

/**
 * Whether this instance takes requests right now: its transport server is listening (TCP) or connected to
 * NATS. With NATS an instance has no port of its own, so `GET /health/ready` on the metrics port is how an
 * orchestrator (or a test) knows it has joined the queue group.
 */
@Injectable()
export class ServingStatus {
  private transportStatus = 'starting';
  private listening = false;
  private databaseCheck?: (timeoutMs: number) => Promise<AuthHealthResponse>;

  constructor(private readonly shutdown: ShutdownState) {}

  /** The health service hands over its database check: readiness then includes the database. */
  checkDatabaseWith(check: (timeoutMs: number) => Promise<AuthHealthResponse>): void {
    this.databaseCheck = check;
  }

  /**
   * Ready = the transport takes requests, the database answers, and no shutdown has begun. The database is asked
   * only when the rest is fine, so a probe of a starting or draining instance costs nothing.
   */
  async readiness(): Promise<Readiness> {
    const transport = this.transport;
    if (this.shutdown.draining)
      return { ready: false, body: { status: 'unavailable', transport, shutdown: 'draining' } };
    if (!this.serving || !this.databaseCheck) return { ready: this.serving, body: this.body(this.serving, transport) };
    const { database } = await this.databaseCheck(READY_DATABASE_TIMEOUT_MS);
    const ready = database.status === 'up';
    return { ready, body: { ...this.body(ready, transport), database: database.status } };
  }

  private body(ready: boolean, transport: string): Readiness['body'] {
    return { status: ready ? 'ok' : 'unavailable', transport };
  }

  /** Called once the microservice listens; follows the transport's status from then on. */
  follow(status$: Observable<string>): void {
    this.listening = true;
    status$.subscribe((status) => (this.transportStatus = status));
  }

  get serving(): boolean {
    return this.listening && this.transportStatus === SERVING_STATUS;
  }

  get transport(): string {
    return this.listening ? this.transportStatus : 'starting';
  }
}
