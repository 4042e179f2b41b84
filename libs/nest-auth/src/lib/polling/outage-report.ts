import type { Logger } from '@nestjs/common';

/**
 * What a poller says about its source: the first failure of an outage is a warning, the failures after it are not
 * (a source that stays down is retried every few seconds, and a warning each time would fill the log), and the first
 * success after an outage says it is over. The lines are built only when written.
 */
export class OutageReport {
  private down = false;

  constructor(private readonly logger: Logger) {}

  succeeded(recovered: () => string): void {
    if (this.down) this.logger.log(recovered());
    this.down = false;
  }

  failed(warning: () => string): void {
    if (!this.down) this.logger.warn(warning());
    this.down = true;
  }
}
