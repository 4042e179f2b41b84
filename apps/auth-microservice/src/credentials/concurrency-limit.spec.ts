import { deferred, turn } from '../common/promise-state.spec-helpers';
import { ConcurrencyLimit, hashConcurrency } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('runs at most `limit` tasks at once and starts the others in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      limit.run(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);
    expect([limit.active, limit.queued]).toEqual([2, 2]);

    gates[1]?.resolve();
    await turn();
    expect(started).toEqual([0, 1, 2]);

    gates[0]?.resolve();
    gates[2]?.resolve();
    gates[3]?.resolve();
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3]);
    expect([limit.active, limit.queued]).toEqual([0, 0]);
  });

  it('frees the slot of a task that fails, and passes its error on', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(() => Promise.resolve('next'))).resolves.toBe('next');
    expect(limit.active).toBe(0);
  });

  it.each([0, -1, 1.5])('refuses a limit of %p', (value) => {
    expect(() => new ConcurrencyLimit(value)).toThrow(/whole number/);
  });
});

describe('hashConcurrency', () => {
  it('is one per core, never more than the thread pool, at least one', () => {
    expect(hashConcurrency(2, 4)).toBe(2);
    expect(hashConcurrency(16, 4)).toBe(4);
    expect(hashConcurrency(8, 16)).toBe(8);
    expect(hashConcurrency(0, 4)).toBe(1);
  });
});
