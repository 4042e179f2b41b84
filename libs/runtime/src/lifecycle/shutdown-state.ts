import { Injectable } from '@nestjs/common';

/**
 * Whether this process has begun to shut down. From the signal on, every readiness probe answers "not ready" while
 * the process still serves for SHUTDOWN_DRAIN_DELAY, so load balancers and Kubernetes endpoints stop sending it
 * traffic before it closes its listeners (see `enableGracefulShutdown`).
 */
@Injectable()
export class ShutdownState {
  private began = false;

  get draining(): boolean {
    return this.began;
  }

  begin(): void {
    this.began = true;
  }
}
