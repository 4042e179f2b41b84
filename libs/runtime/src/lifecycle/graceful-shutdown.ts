import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import type { ShutdownState } from './shutdown-state';

export interface GracefulShutdownOptions {
  /** How long in-flight work may take before the process gives up and exits with code 1. */
  timeoutMs: number;
  logger: LoggerService;
  /**
   * SHUTDOWN_DRAIN_DELAY: how long the process keeps serving after the signal while its readiness probe says "not
   * ready" (`state`), so that load balancers stop sending it requests before its listeners close. 0 = close at once.
   */
  drainDelayMs?: number;
  /** Told when the shutdown begins; the apps' readiness probes read it. */
  state?: ShutdownState;
  signals?: readonly NodeJS.Signals[];
  /** For tests: what ends the process, and where the signals come from. */
  exit?: (code: number) => void;
  signalSource?: Pick<NodeJS.EventEmitter, 'once'>;
}

/**
 * SIGTERM/SIGINT: report not ready (`state`) and keep serving for `drainDelayMs`, then stop taking work, let in-flight work finish (the app's `close()` does both, see
 * each app's server), close the transport and the database, then exit 0. Nest's own
 * `enableShutdownHooks()` does the same (since NestJS 11 its `useProcessExit` option exits 0 rather than
 * re-raising the signal) but has no deadline: here the process exits 1 after `SHUTDOWN_TIMEOUT_MS`, saying
 * so, instead of waiting on work that never finishes until the orchestrator kills it.
 */
export function enableGracefulShutdown(app: INestApplicationContext, options: GracefulShutdownOptions): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    if (closing) return;
    closing = true;
    options.state?.begin();
    const drainDelayMs = options.drainDelayMs ?? 0;
    if (drainDelayMs > 0) {
      options.logger.log(`${signal} received: not ready; still serving for ${drainDelayMs} ms`, 'Shutdown');
      await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
    }
    options.logger.log(`${signal} received: finishing in-flight work (at most ${options.timeoutMs} ms)`, 'Shutdown');
    const deadline = setTimeout(() => {
      options.logger.error(`In-flight work did not finish within ${options.timeoutMs} ms: exiting`, 'Shutdown');
      exit(1);
    }, options.timeoutMs);
    deadline.unref();
    try {
      await app.close();
      options.logger.log('Shut down cleanly', 'Shutdown');
      exit(0);
    } catch (error) {
      const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
      options.logger.error(`Shutdown failed: ${reason}`, 'Shutdown');
      exit(1);
    } finally {
      clearTimeout(deadline);
    }
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) {
    (options.signalSource ?? process).once(signal, (received: NodeJS.Signals) => void shutdown(received));
  }
}
