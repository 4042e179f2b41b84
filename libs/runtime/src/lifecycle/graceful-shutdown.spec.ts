import { EventEmitter } from 'node:events';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { enableGracefulShutdown } from './graceful-shutdown';
import { ShutdownState } from './shutdown-state';

const SIGNAL = 'SIGTERM';

function fakeApp(close: () => Promise<void>): INestApplicationContext {
  return { close } as unknown as INestApplicationContext;
}

const silentLogger: LoggerService = { log: jest.fn(), error: jest.fn(), warn: jest.fn() };

describe('enableGracefulShutdown', () => {
  let signals: EventEmitter;
  beforeEach(() => (signals = new EventEmitter()));

  it('closes the app once on the signal and exits 0 when it has closed', async () => {
    let finishClose: () => void = () => undefined;
    const close = jest.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
    const exit = jest.fn();
    enableGracefulShutdown(fakeApp(close), {
      timeoutMs: 5_000,
      logger: silentLogger,
      signals: [SIGNAL],
      exit,
      signalSource: signals,
    });

    signals.emit(SIGNAL, SIGNAL);
    signals.emit(SIGNAL, SIGNAL);
    await Promise.resolve();
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();

    finishClose();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 when closing fails', async () => {
    const exit = jest.fn();
    enableGracefulShutdown(
      fakeApp(() => Promise.reject(new Error('database gone'))),
      { timeoutMs: 5_000, logger: silentLogger, signals: [SIGNAL], exit, signalSource: signals },
    );

    signals.emit(SIGNAL, SIGNAL);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 when in-flight work outlasts the deadline', async () => {
    const exit = jest.fn();
    enableGracefulShutdown(
      fakeApp(() => new Promise<void>(() => undefined)),
      { timeoutMs: 50, logger: silentLogger, signals: [SIGNAL], exit, signalSource: signals },
    );

    signals.emit(SIGNAL, SIGNAL);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(exit).toHaveBeenCalledWith(1);
  });
});

describe('enableGracefulShutdown with a drain delay', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports draining at once, keeps serving for the delay, and only then closes', async () => {
    const signals = new EventEmitter();
    const state = new ShutdownState();
    const close = jest.fn(() => Promise.resolve());
    const exit = jest.fn();
    enableGracefulShutdown(fakeApp(close), {
      timeoutMs: 1_000,
      drainDelayMs: 5_000,
      state,
      logger: silentLogger,
      signals: [SIGNAL],
      exit,
      signalSource: signals,
    });
    expect(state.draining).toBe(false);

    signals.emit(SIGNAL, SIGNAL);
    expect(state.draining).toBe(true);
    await jest.advanceTimersByTimeAsync(4_999);
    expect(close).not.toHaveBeenCalled();

    // The deadline counts from the end of the delay: the delay is not in-flight work.
    await jest.advanceTimersByTimeAsync(1);
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(0);
  });
});
