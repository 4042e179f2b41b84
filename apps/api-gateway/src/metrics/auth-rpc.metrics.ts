import { Injectable } from '@nestjs/common';
import type { ErrorCode } from '@nestjs-microservices/shared';
import { Histogram, Registry } from 'prom-client';

/** How a call to the auth service ended: `ok`, or the code of the error the gateway answers with. */
export type RpcCallOutcome = 'ok' | ErrorCode;

/** `auth_rpc_client_duration_seconds`: every call from the gateway to the auth service, as the gateway saw it. */
@Injectable()
export class AuthRpcMetrics {
  private readonly duration: Histogram<'pattern' | 'outcome'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'auth_rpc_client_duration_seconds',
      help: 'Duration of calls from the gateway to the auth service, by message pattern and outcome (ok or error code)',
      labelNames: ['pattern', 'outcome'],
      registers: [registry],
    });
  }

  /** Starts timing one call; the function returned records it with how it ended. */
  startCall(pattern: string): (outcome: RpcCallOutcome) => void {
    const end = this.duration.startTimer({ pattern });
    return (outcome) => {
      end({ outcome });
    };
  }
}
