import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';

// What Nest's transport servers report while they can take requests (TCP: listening; NATS: connected to it).
const SERVING_STATUS = 'connected';

/**
 * Whether this instance takes requests right now: its transport server is listening (TCP) or connected to
 * NATS. With NATS an instance has no port of its own, so `GET /health/ready` on the metrics port is how an
 * orchestrator (or a test) knows it has joined the queue group.
 */
@Injectable()
export class ServingStatus {
  private transportStatus = 'starting';
  private listening = false;

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
