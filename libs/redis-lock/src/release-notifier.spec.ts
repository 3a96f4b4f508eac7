// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ReleaseNotifier } from './release-notifier.ts';

describe('ReleaseNotifier', () => {
  it('wakes a sleeping waiter of the released name only', async () => {
    const notifier = new ReleaseNotifier();
    const a = notifier.watch('pool-a');
    const b = notifier.watch('pool-b');
    let woke = '';
    const waitA = a.wait(a.generation, 10_000).then(() => (woke += 'a'));
    const waitB = b.wait(b.generation, 30).then(() => (woke += 'b'));
    notifier.notify('pool-a');
    await waitA;
    expect(woke).toBe('a');
    await waitB; // by its timeout
    expect(woke).toBe('ab');
    a.dispose();
    b.dispose();
  });

  it('does not miss a release that arrived between reading the generation and sleeping', async () => {
    const notifier = new ReleaseNotifier();
    const watch = notifier.watch('pool-a');
    const since = watch.generation;
    notifier.notify('pool-a');
    const started = performance.now();
    await watch.wait(since, 10_000);
    expect(performance.now() - started).toBeLessThan(50);
    watch.dispose();
  });

  it('returns at once for an aborted signal and on abort', async () => {
    const notifier = new ReleaseNotifier();
    const watch = notifier.watch('pool-a');
    await watch.wait(watch.generation, 10_000, AbortSignal.abort());
    const controller = new AbortController();
    const waiting = watch.wait(watch.generation, 10_000, controller.signal);
    controller.abort();
    await waiting;
    watch.dispose();
  });

  it('forgets names nobody waits for, and ignores releases of unwatched names', () => {
    const notifier = new ReleaseNotifier();
    const first = notifier.watch('pool-a');
    const second = notifier.watch('pool-a');
    notifier.notify('pool-z');
    expect(notifier.size).toBe(1);
    first.dispose();
    first.dispose(); // idempotent: must not drop the second watcher's entry
    expect(notifier.size).toBe(1);
    second.dispose();
    expect(notifier.size).toBe(0);
  });
});
