// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { Claim, WatchedKind } from './admission-types.ts';
import { claimOrder } from './claim-order.ts';
import { SharedClaimRegistry, type ClaimBatch, type ClaimStore, type StoredClaim } from './claim-registry.ts';

/** An in-memory stand-in for the shared store: one counter, its own clock, switches to fail. */
class MemoryStore implements ClaimStore {
  readonly entries: Array<{ kind: WatchedKind } & StoredClaim> = [];
  failing = false;
  /** Records the entry, then fails as if the answer was lost on the way back. */
  loseAnswers = false;
  epoch = 'first';
  #seq = 0;
  readonly clock: { now: number };

  constructor(clock: { now: number }) {
    this.clock = clock;
  }

  async add(kind: WatchedKind, serialised: string, ttlMs: number): Promise<number> {
    if (this.failing) throw new Error('redis down');
    this.#seq += 1;
    this.entries.push({ kind, seq: this.#seq, text: serialised, expiresAt: this.clock.now + ttlMs });
    if (this.loseAnswers) throw new Error('command timed out');
    return this.#seq;
  }

  async since(kind: WatchedKind, afterSeq: number): Promise<ClaimBatch> {
    if (this.failing) throw new Error('redis down');
    const entries = this.entries.filter((e) => e.kind === kind && e.seq > afterSeq && e.expiresAt > this.clock.now).map(({ seq, text, expiresAt }) => ({ seq, text, expiresAt }));
    return { now: this.clock.now, epoch: this.epoch, entries };
  }

  /** Loses every entry and restarts the counter, as a Redis restart without persistence does. */
  flush(): void {
    this.entries.length = 0;
    this.#seq = 0;
    this.epoch = 'second';
  }
}

const claim = (name: string, subnet: string): Claim => ({ kind: 'SpiderIPPool', name, payload: { subnet } });
const names = (claims: readonly Claim[]): string[] => claims.map((c) => c.name).sort();

describe('SharedClaimRegistry', () => {
  it('keeps claims until their ttl passes, per kind, each with an id and its local order', async () => {
    const clock = { now: 1_000 };
    const registry = new SharedClaimRegistry({ now: () => clock.now });
    const a = await registry.add(claim('a', '192.0.2.0/24'), 5_000);
    const b = await registry.add(claim('b', '192.0.2.0/24'), 5_000);
    await registry.add({ kind: 'SpiderSubnet', name: 's', payload: {} }, 1_000);
    expect(a).toMatchObject({ ...claim('a', '192.0.2.0/24'), id: expect.any(String), localSeq: 1 });
    expect(claimOrder(a, b)).toBe('before');
    expect(await registry.list('SpiderIPPool')).toEqual([a, b]);
    clock.now += 5_000;
    expect(await registry.list('SpiderIPPool')).toEqual([]);
    expect(await registry.list('SpiderSubnet')).toEqual([]);
  });

  it('shares claims between replicas through the store, in one order for both', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const one = new SharedClaimRegistry({ store, now: () => clock.now });
    const two = new SharedClaimRegistry({ store, now: () => clock.now });
    const a = await one.add(claim('a', '192.0.2.0/25'), 2_000);
    const b = await two.add(claim('b', '198.51.100.0/24'), 2_000);
    expect([a.seq, b.seq]).toEqual([1, 2]);
    for (const registry of [one, two]) {
      const listed = await registry.list('SpiderIPPool');
      expect(names(listed)).toEqual(['a', 'b']);
      const [seenA, seenB] = [listed.find((c) => c.name === 'a'), listed.find((c) => c.name === 'b')];
      expect(claimOrder(seenA as Claim, seenB as Claim)).toBe('before');
    }
  });

  it('keeps every claim of one name (an admitted update does not hide the version before it)', async () => {
    const registry = new SharedClaimRegistry({ store: new MemoryStore({ now: 0 }), now: () => 0 });
    await registry.add(claim('a', '192.0.2.0/24'), 2_000);
    await registry.add(claim('a', '198.51.100.0/24'), 2_000);
    expect((await registry.list('SpiderIPPool')).map((c) => c.payload['subnet'])).toEqual(['192.0.2.0/24', '198.51.100.0/24']);
  });

  it('takes the order of its own claim from the store when the answer to add was lost', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const registry = new SharedClaimRegistry({ store, now: () => clock.now });
    store.loseAnswers = true;
    const added = await registry.add(claim('a', '192.0.2.0/24'), 2_000);
    expect(added.seq).toBeUndefined();
    expect((await registry.list('SpiderIPPool'))[0]).toMatchObject({ id: added.id, seq: 1, localSeq: added.localSeq });
  });

  it('goes on with local claims while the store fails, and reports each change of its state once', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const states: Array<[boolean, unknown]> = [];
    const registry = new SharedClaimRegistry({ store, now: () => clock.now, onStoreState: (usable, err) => states.push([usable, err]) });
    store.failing = true;
    const a = await registry.add(claim('a', '192.0.2.0/24'), 1_000);
    expect(await registry.list('SpiderIPPool')).toEqual([a]);
    expect(states).toEqual([[false, new Error('redis down')]]);
    store.failing = false;
    await registry.list('SpiderIPPool');
    await registry.list('SpiderIPPool');
    expect(states.map(([usable]) => usable)).toEqual([false, true]);
  });

  it('ignores store entries that are not claims of the kind', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const registry = new SharedClaimRegistry({ store, now: () => clock.now });
    store.entries.push(
      { kind: 'SpiderIPPool', seq: 7, text: 'not json', expiresAt: 10 },
      { kind: 'SpiderIPPool', seq: 8, text: JSON.stringify({ kind: 'SpiderSubnet', name: 'y', id: 'y', payload: {} }), expiresAt: 10 },
      { kind: 'SpiderIPPool', seq: 9, text: JSON.stringify({ kind: 'SpiderIPPool', name: 'z', id: 'z' }), expiresAt: 10 },
      { kind: 'SpiderIPPool', seq: 10, text: JSON.stringify({ kind: 'SpiderIPPool', name: 'no-id', payload: {} }), expiresAt: 10 },
    );
    expect(await registry.list('SpiderIPPool')).toEqual([]);
  });

  it('hands out the same array while nothing changed, and the same claim objects across changes', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const writer = new SharedClaimRegistry({ store, now: () => clock.now });
    const reader = new SharedClaimRegistry({ store, now: () => clock.now });
    await writer.add(claim('a', '192.0.2.0/24'), 1_000);
    const first = await reader.list('SpiderIPPool');
    expect(await reader.list('SpiderIPPool')).toBe(first);
    await writer.add(claim('b', '192.0.2.0/24'), 2_000);
    const second = await reader.list('SpiderIPPool');
    expect(second).not.toBe(first);
    expect(second.find((c) => c.name === 'a')).toBe(first[0]);
    clock.now = 1_000;
    expect(names([...(await reader.list('SpiderIPPool'))])).toEqual(['b']);
  });

  it('reads only what is new from the store, and starts over when the store lost its data', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const asked: number[] = [];
    const since = store.since.bind(store);
    store.since = async (kind, afterSeq) => {
      asked.push(afterSeq);
      return since(kind, afterSeq);
    };
    const writer = new SharedClaimRegistry({ store, now: () => clock.now });
    const reader = new SharedClaimRegistry({ store, now: () => clock.now });
    await writer.add(claim('a', '192.0.2.0/24'), 5_000);
    await writer.add(claim('b', '192.0.2.0/24'), 5_000);
    await reader.list('SpiderIPPool');
    await reader.list('SpiderIPPool');
    expect(asked).toEqual([0, 2]);
    store.flush();
    for (const name of ['c', 'd', 'e']) await writer.add(claim(name, '198.51.100.0/24'), 5_000);
    // Sequence numbers restarted at 1: asking past 2 alone would miss c and d.
    expect(names([...(await reader.list('SpiderIPPool'))].filter((c) => c.seq !== undefined))).toEqual(['c', 'd', 'e']);
  });

  it('refuses a ttl out of range and a claim without a name', async () => {
    const registry = new SharedClaimRegistry();
    await expect(registry.add(claim('a', '192.0.2.0/24'), 0)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'ttlMs' });
    await expect(registry.add(claim('a', '192.0.2.0/24'), 1.5)).rejects.toMatchObject({ field: 'ttlMs' });
    await expect(registry.add(claim('a', '192.0.2.0/24'), 3_600_000)).rejects.toMatchObject({ field: 'ttlMs' });
    await expect(registry.add(claim('', '192.0.2.0/24'), 1_000)).rejects.toMatchObject({ field: 'claim.name' });
  });
});

describe('claimOrder', () => {
  it('orders by the shared counter, else by the local one, else does not know', () => {
    const c = (seq?: number, localSeq?: number): Claim => ({ kind: 'SpiderIPPool', name: 'x', payload: {}, ...(seq === undefined ? {} : { seq }), ...(localSeq === undefined ? {} : { localSeq }) });
    expect(claimOrder(c(1, 9), c(2, 1))).toBe('before');
    expect(claimOrder(c(2), c(1))).toBe('after');
    expect(claimOrder(c(undefined, 1), c(5, 2))).toBe('before');
    expect(claimOrder(c(3), c(undefined, 2))).toBe('unknown');
  });
});
