import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AuthConfig, authEnvSchema } from '../config/auth-config';
import { SigningKeyStoreModule } from './signing-key-store.module';
import { SigningKeysMaintenance } from './signing-keys.maintenance';
import { SigningKeysModule } from './signing-keys.module';
import type { SigningKeysService } from './signing-keys.service';

describe('SigningKeysMaintenance', () => {
  let scheduler: SchedulerRegistry;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    jest.useFakeTimers();
    scheduler = new SchedulerRegistry();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    for (const name of scheduler.getIntervals()) scheduler.deleteInterval(name);
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  function start(rotation: string, maintain: () => Promise<void>): jest.Mock {
    const mock = jest.fn(maintain);
    const config = new AuthConfig(authEnvSchema.parse({ SIGNING_KEY_ROTATION_INTERVAL: rotation }));
    new SigningKeysMaintenance(
      { maintain: mock } as unknown as SigningKeysService,
      config,
      scheduler,
    ).onApplicationBootstrap();
    return mock;
  }

  it.each([
    ['30d', 60_000],
    ['20s', 5_000],
    ['1s', 1_000],
  ])('with SIGNING_KEY_ROTATION_INTERVAL=%s, checks every %i ms', async (rotation, everyMs) => {
    const maintain = start(rotation, () => Promise.resolve());

    expect(scheduler.getIntervals()).toEqual(['signing-keys']);
    await jest.advanceTimersByTimeAsync(everyMs - 1);
    expect(maintain).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(maintain).toHaveBeenCalledTimes(1);
  });

  it('does not start a run while the previous one is still going', async () => {
    let finish = (): void => undefined;
    const maintain = start('4s', () => new Promise<void>((resolve) => (finish = resolve)));

    await jest.advanceTimersByTimeAsync(3_000);
    expect(maintain).toHaveBeenCalledTimes(1);
    finish();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(maintain).toHaveBeenCalledTimes(2);
  });

  it('logs a failed run and tries again at the next tick', async () => {
    const maintain = start('4s', () => Promise.reject(new Error('database down')));

    await jest.advanceTimersByTimeAsync(2_000);
    expect(maintain).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('database down'));
  });

  it('is not part of the key store that the keys:rotate command imports', () => {
    const providers: unknown[] = Reflect.getMetadata('providers', SigningKeyStoreModule) ?? [];
    expect(providers).not.toContain(SigningKeysMaintenance);
    expect(Reflect.getMetadata('providers', SigningKeysModule)).toContain(SigningKeysMaintenance);
  });
});
