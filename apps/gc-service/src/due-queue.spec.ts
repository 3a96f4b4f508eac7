// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { DueQueue } from './due-queue.ts';
import { OrphanLedger } from './orphan-ledger.ts';

const pod = (uid: string) => ({ namespace: 'ns-a', name: uid, uid });

describe('DueQueue', () => {
  it('hands out due entries earliest first and keeps the rest', () => {
    const q = new DueQueue(10);
    q.schedule(pod('b'), 200, 'pod deleted');
    q.schedule(pod('a'), 100, 'pod deleted');
    q.schedule(pod('c'), 300, 'pod deleted');
    expect(q.takeDue(250).map((e) => e.pod.uid)).toEqual(['a', 'b']);
    expect(q.size).toBe(1);
  });

  it('replaces an entry of the same UID and keeps its attempt count', () => {
    const q = new DueQueue(10);
    q.schedule(pod('a'), 100, 'pod terminating');
    const [entry] = q.takeDue(100);
    q.retry(entry!, 150);
    q.schedule(pod('a'), 500, 'pod deleted');
    expect(q.takeDue(500)).toEqual([{ pod: pod('a'), at: 500, reason: 'pod deleted', attempts: 1 }]);
  });

  it('refuses new pods when full, but still updates known ones', () => {
    const q = new DueQueue(1);
    expect(q.schedule(pod('a'), 100, 'x')).toBe(true);
    expect(q.schedule(pod('b'), 100, 'x')).toBe(false);
    expect(q.schedule(pod('a'), 50, 'x')).toBe(true);
  });
});

describe('OrphanLedger', () => {
  it('remembers when a record was first seen as an orphan and forgets it otherwise', () => {
    const ledger = new OrphanLedger();
    const key = OrphanLedger.key('pool-v4', '192.0.2.10', 'uid-a');
    expect(ledger.observe(key, true, 100)).toBe(100);
    expect(ledger.observe(key, true, 200)).toBe(100);
    expect(ledger.observe(key, false, 300)).toBeUndefined();
    expect(ledger.observe(key, true, 400)).toBe(400);
    ledger.retainOnly(new Set());
    expect(ledger.since(key)).toBeUndefined();
  });
});
