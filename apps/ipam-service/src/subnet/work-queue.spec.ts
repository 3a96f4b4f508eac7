// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it, jest } from '@jest/globals';
import { WorkQueue } from './work-queue.ts';

describe('WorkQueue', () => {
  it('hands out each key once, in the order first marked', async () => {
    const q = new WorkQueue();
    const signal = new AbortController().signal;
    for (const k of ['a', 'b', 'a', 'c', 'b']) q.mark(k);
    expect([await q.next(signal), await q.next(signal), await q.next(signal)]).toEqual(['a', 'b', 'c']);
  });

  it('waits for a key and ends when the signal aborts', async () => {
    const q = new WorkQueue();
    const abort = new AbortController();
    const waiting = q.next(abort.signal);
    q.mark('x');
    expect(await waiting).toBe('x');
    const ended = q.next(abort.signal);
    abort.abort();
    expect(await ended).toBeUndefined();
  });

  it('brings a failed key back after a growing delay, and forgets it on clear', async () => {
    jest.useFakeTimers();
    try {
      const q = new WorkQueue();
      const signal = new AbortController().signal;
      q.failed('k');
      jest.advanceTimersByTime(499);
      q.mark('other');
      expect(await q.next(signal)).toBe('other');
      jest.advanceTimersByTime(1);
      expect(await q.next(signal)).toBe('k');
      q.failed('k');
      jest.advanceTimersByTime(999);
      q.clear();
      jest.advanceTimersByTime(10_000);
      q.mark('after');
      expect(await q.next(signal)).toBe('after');
    } finally {
      jest.useRealTimers();
    }
  });
});
