import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';

/** `auth_rpc_server_duration_seconds`: every message the auth service handled, by pattern and outcome. */
@Injectable()
export class RpcServerMetrics {
  private readonly duration: Histogram<'pattern' | 'outcome'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'auth_rpc_server_duration_seconds',
      help: 'Time the auth service took to handle a message, by message pattern and outcome (ok or error code)',
      labelNames: ['pattern', 'outcome'],
      registers: [registry],
    });
  }

  /** `outcome` is `ok` or an error code of the contract, so both labels have a bounded set of values. */
  observe(pattern: string, outcome: string, durationMs: number): void {
    this.duration.observe({ pattern, outcome }, durationMs / 1_000);
  }
}
