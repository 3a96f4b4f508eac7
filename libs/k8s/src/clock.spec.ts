// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ManualClock, settle, systemClock } from './clock.ts';

describe('ManualClock', () => {
  it('wakes sleepers in deadline order once time reaches them', async () => {
    const clock = new ManualClock(0);
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push('300'));
    void clock.sleep(100).then(() => woke.push('100'));
    clock.advance(99);
    await settle();
    expect(woke).toEqual([]);
    clock.advance(200);
    await settle();
    expect(woke).toEqual(['100']);
    clock.advance(1);
    await settle();
    expect(woke).toEqual(['100', '300']);
    expect(clock.now()).toBe(300);
    expect(clock.sleeping).toBe(0);
  });

  it('ends a sleep early when its signal aborts, and at once when already aborted', async () => {
    const clock = new ManualClock(0);
    const abort = new AbortController();
    let woke = false;
    const sleeping = clock.sleep(1_000, abort.signal).then(() => {
      woke = true;
    });
    abort.abort();
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.sleeping).toBe(0);
    await clock.sleep(1_000, abort.signal);
    expect(clock.now()).toBe(0);
  });
});

describe('systemClock', () => {
  it('ends a sleep when its signal aborts instead of waiting it out', async () => {
    const abort = new AbortController();
    const began = Date.now();
    const sleeping = systemClock.sleep(60_000, abort.signal);
    abort.abort();
    await sleeping;
    expect(Date.now() - began).toBeLessThan(30_000);
  });
});
