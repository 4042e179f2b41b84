import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { isDatabaseUnavailable } from './database-errors';
import { fileFlusher, GroupSync } from './group-sync';
import { track, turn } from '../common/promise-state.spec-helpers';
import { manualFlush } from './manual-flush.spec-helpers';

describe('GroupSync', () => {
  it('makes a caller that arrives during a flush wait for a flush that starts after it', async () => {
    const { flush, pending } = manualFlush();
    const sync = new GroupSync(flush);
    const first = track(sync.sync());
    const second = track(sync.sync());
    expect(flush).toHaveBeenCalledTimes(1);

    pending[0]?.resolve();
    await turn();
    expect(first.done).toBe(true);
    expect(second.done).toBe(false);
    expect(flush).toHaveBeenCalledTimes(2);

    pending[1]?.resolve();
    await turn();
    expect(second.done).toBe(true);
  });

  it('lets every caller that arrives during one flush share the next', async () => {
    const { flush, pending } = manualFlush();
    const sync = new GroupSync(flush);
    const callers = [sync.sync(), ...Array.from({ length: 10 }, () => sync.sync())].map(track);
    pending[0]?.resolve();
    await turn();
    pending[1]?.resolve();
    await turn();
    expect(callers.every((caller) => caller.done)).toBe(true);
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it('after a failed flush, rejects its callers and every later caller with an "unavailable" error', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { flush, pending } = manualFlush();
    const sync = new GroupSync(flush);
    const failed = track(sync.sync());
    const queued = track(sync.sync());
    pending[0]?.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await turn();
    expect(isDatabaseUnavailable(failed.error)).toBe(true);
    expect(queued.error).toBe(failed.error);
    await expect(sync.sync()).rejects.toBe(failed.error);
    expect(flush).toHaveBeenCalledTimes(1);
    await expect(sync.synced()).rejects.toBe(failed.error);
    expect(logged).toHaveBeenCalledTimes(1);
    logged.mockRestore();
  });

  it('synced() waits for the flush that covers every sync() asked so far, and for nothing when all are done', async () => {
    const { flush, pending } = manualFlush();
    const sync = new GroupSync(flush);
    await sync.synced();
    void sync.sync();
    void sync.sync(); // queued behind the first flush
    const synced = track(sync.synced());
    pending[0]?.resolve();
    await turn();
    expect(synced.done).toBe(false);
    pending[1]?.resolve();
    await turn();
    expect(synced.done).toBe(true);
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it('closes only after the flush under way', async () => {
    const { flush, pending } = manualFlush();
    const release = jest.fn(() => Promise.resolve());
    const sync = new GroupSync(flush, release);
    void sync.sync();
    const closed = track(sync.close());
    await turn();
    expect(release).not.toHaveBeenCalled();
    pending[0]?.resolve();
    await turn();
    expect(closed.done).toBe(true);
    expect(release).toHaveBeenCalledTimes(1);
  });
});

describe('fileFlusher', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'group-sync-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fsyncs the file at the path, and the new file when the old one was replaced', async () => {
    const path = join(dir, 'log');
    writeFileSync(path, 'first');
    const sync = await spyOnFileSync(dir);
    const flusher = fileFlusher(path);

    await flusher.flush();
    expect(sync).toHaveBeenCalledTimes(1);
    writeFileSync(join(dir, 'replacement'), 'second');
    renameSync(join(dir, 'replacement'), path);
    await flusher.flush();
    // the old handle, then the file now at the path; later flushes use that one only
    expect(sync).toHaveBeenCalledTimes(3);
    await flusher.flush();
    expect(sync).toHaveBeenCalledTimes(4);
    await flusher.close();
    sync.mockRestore();
  });

  it('has nothing to flush while no file exists at the path, and flushes it once it does', async () => {
    const path = join(dir, 'log');
    const sync = await spyOnFileSync(dir);
    const flusher = fileFlusher(path);
    await flusher.flush();
    expect(sync).not.toHaveBeenCalled();
    writeFileSync(path, 'now written');
    await flusher.flush();
    expect(sync).toHaveBeenCalledTimes(1);
    await flusher.close();
    sync.mockRestore();
  });

  it('fails when the file cannot be opened for another reason', async () => {
    writeFileSync(join(dir, 'file'), 'not a directory');
    await expect(fileFlusher(join(dir, 'file', 'log')).flush()).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

/** Counts the fsyncs of every FileHandle. */
async function spyOnFileSync(dir: string) {
  const probePath = join(dir, 'probe');
  writeFileSync(probePath, '');
  const probe = await open(probePath, 'r');
  const spy = jest.spyOn(Object.getPrototypeOf(probe) as { sync: () => Promise<void> }, 'sync');
  await probe.close();
  return spy;
}
