// SPDX-License-Identifier: Apache-2.0
// exclusive(): tasks of one key never overlap in this process, and inside that the shared lock
// (a fake of our lock port, standing in for Redis) is taken, released, or skipped when degraded.
import { describe, expect, it } from '@jest/globals';
import type { AcquireResult, LockLease } from '@spiderpool/redis-lock';
import { SpiderpoolError } from '@spiderpool/errors';
import { runWithDeadline } from './admission-deadline.ts';
import { AdmissionLock, type LockPort } from './admission-lock.ts';
import { KeyedMutex } from './keyed-mutex.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `n` tasks of `key` concurrently; records the highest number running at once. */
async function overlap(run: (key: string, task: () => Promise<number>) => Promise<number>, keys: string[]): Promise<{ max: number; order: number[] }> {
  let running = 0;
  let max = 0;
  const order: number[] = [];
  await Promise.all(keys.map((key, i) => run(key, async () => {
    running++;
    max = Math.max(max, running);
    await tick();
    await tick();
    order.push(i);
    running--;
    return i;
  })));
  return { max, order };
}

describe('KeyedMutex', () => {
  it('runs tasks of one key one at a time, in arrival order, and forgets idle keys', async () => {
    const mutex = new KeyedMutex();
    const result = await overlap((k, t) => mutex.run(k, t), ['a', 'a', 'a', 'a']);
    expect(result).toEqual({ max: 1, order: [0, 1, 2, 3] });
    expect(mutex.size).toBe(0);
  });

  it('runs different keys concurrently', async () => {
    const mutex = new KeyedMutex();
    expect((await overlap((k, t) => mutex.run(k, t), ['a', 'b', 'c'])).max).toBe(3);
  });

  it('goes on with the next task after one failed', async () => {
    const mutex = new KeyedMutex();
    const failed = mutex.run('a', () => Promise.reject(new Error('no')));
    const next = mutex.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('no');
    await expect(next).resolves.toBe('ok');
    expect(mutex.size).toBe(0);
  });
});

class FakeLock implements LockPort {
  result: 'acquired' | 'degraded' | 'timeout' = 'acquired';
  readonly calls: string[] = [];
  released = 0;

  async acquire(name: string, options: { waitTimeoutMs: number; signal?: AbortSignal }): Promise<AcquireResult> {
    this.calls.push(`${name}/${options.waitTimeoutMs}`);
    if (options.signal?.aborted) return { kind: 'aborted', waitedMs: 0 };
    if (this.result === 'degraded') return { kind: 'degraded', reason: 'redis down', waitedMs: 0 };
    if (this.result === 'timeout') return { kind: 'timeout', waitedMs: options.waitTimeoutMs };
    const lease: LockLease = {
      name,
      fencingToken: 1n,
      lost: new AbortController().signal,
      release: async () => {
        this.released++;
      },
    };
    return { kind: 'acquired', lease, waitedMs: 0 };
  }
}

describe('AdmissionLock', () => {
  it('serialises per key inside the process, then holds the shared lock around the task', async () => {
    const lock = new FakeLock();
    const admission = new AdmissionLock({ lock, waitTimeoutMs: 250 });
    const result = await overlap((k, t) => admission.run(k, t), ['ippool-v4', 'ippool-v4', 'ippool-v6']);
    expect(result.max).toBe(2);
    expect(lock.calls.sort()).toEqual(['ippool-v4/250', 'ippool-v4/250', 'ippool-v6/250']);
    expect(lock.released).toBe(3);
  });

  it('releases the shared lock when the task throws', async () => {
    const lock = new FakeLock();
    const admission = new AdmissionLock({ lock, waitTimeoutMs: 250 });
    await expect(admission.run('k', () => Promise.reject(new Error('rule failed')))).rejects.toThrow('rule failed');
    expect(lock.released).toBe(1);
  });

  it('runs under the in-process mutex alone while Redis is degraded, and says so', async () => {
    const lock = new FakeLock();
    lock.result = 'degraded';
    const told: string[] = [];
    const admission = new AdmissionLock({ lock, waitTimeoutMs: 250, onDegraded: (key, reason) => told.push(`${key}: ${reason}`) });
    const result = await overlap((k, t) => admission.run(k, t), ['k', 'k']);
    expect(result.max).toBe(1);
    expect(told).toEqual(['k: redis down', 'k: redis down']);
  });

  it('refuses to run (DEADLINE_EXCEEDED) when another replica keeps the lock', async () => {
    const lock = new FakeLock();
    lock.result = 'timeout';
    let ran = false;
    const admission = new AdmissionLock({ lock, waitTimeoutMs: 250 });
    await expect(admission.run('k', async () => {
      ran = true;
    })).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED', message: expect.stringContaining('stayed held by another replica for 250 ms') });
    expect(ran).toBe(false);
  });

  it('drops the turn of a waiter whose request timed out while it queued', async () => {
    const lock = new FakeLock();
    const admission = new AdmissionLock({ lock, waitTimeoutMs: 250 });
    let release!: () => void;
    const first = admission.run('k', () => new Promise<string>((resolve) => {
      release = () => resolve('first');
    }));
    const deadline = new AbortController();
    let ranSecond = false;
    const second = runWithDeadline(deadline.signal, () => admission.run('k', async () => {
      ranSecond = true;
    }));
    const third = admission.run('k', async () => 'third');
    await tick();
    deadline.abort(new SpiderpoolError('DEADLINE_EXCEEDED', 'request timed out'));
    release();
    await expect(second).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    await expect(Promise.all([first, third])).resolves.toEqual(['first', 'third']);
    expect(ranSecond).toBe(false);
    expect(lock.calls).toHaveLength(2);
  });

  it('gives up the shared lock wait when the request times out', async () => {
    const lock = new FakeLock();
    const admission = new AdmissionLock({ lock, waitTimeoutMs: 250 });
    const deadline = new AbortController();
    deadline.abort(new SpiderpoolError('DEADLINE_EXCEEDED', 'request timed out'));
    // Already expired before its turn: never reaches the shared lock.
    await expect(runWithDeadline(deadline.signal, () => admission.run('k', async () => 1))).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(lock.calls).toEqual([]);
  });

  it('works without a shared lock, and refuses an empty key', async () => {
    const admission = new AdmissionLock({ waitTimeoutMs: 250 });
    expect((await overlap((k, t) => admission.run(k, t), ['k', 'k', 'k'])).max).toBe(1);
    await expect(admission.run('', async () => 1)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'key' });
  });
});
