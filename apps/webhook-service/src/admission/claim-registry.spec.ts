// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { Claim, WatchedKind } from './admission-types.ts';
import { SharedClaimRegistry, type ClaimStore } from './claim-registry.ts';

/** An in-memory stand-in for the shared store, with its own clock and a switch to fail. */
class MemoryStore implements ClaimStore {
  readonly entries = new Map<string, { text: string; expiresAt: number }>();
  failing = false;
  readonly clock: { now: number };

  constructor(clock: { now: number }) {
    this.clock = clock;
  }

  async add(kind: WatchedKind, name: string, serialised: string, ttlMs: number): Promise<void> {
    if (this.failing) throw new Error('redis down');
    this.entries.set(`${kind}/${name}`, { text: serialised, expiresAt: this.clock.now + ttlMs });
  }

  async list(kind: WatchedKind): Promise<string[]> {
    if (this.failing) throw new Error('redis down');
    return [...this.entries].filter(([k, e]) => k.startsWith(`${kind}/`) && e.expiresAt > this.clock.now).map(([, e]) => e.text);
  }
}

const claim = (name: string, subnet: string): Claim => ({ kind: 'SpiderIPPool', name, payload: { subnet } });

describe('SharedClaimRegistry', () => {
  it('keeps claims until their ttl passes, per kind', async () => {
    const clock = { now: 1_000 };
    const registry = new SharedClaimRegistry({ now: () => clock.now });
    await registry.add(claim('a', '192.0.2.0/24'), 5_000);
    await registry.add({ kind: 'SpiderSubnet', name: 's', payload: {} }, 1_000);
    expect(await registry.list('SpiderIPPool')).toEqual([claim('a', '192.0.2.0/24')]);
    clock.now += 5_000;
    expect(await registry.list('SpiderIPPool')).toEqual([]);
    expect(await registry.list('SpiderSubnet')).toEqual([]);
  });

  it('shares claims between replicas through the store; a replica\'s own entry wins for one name', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const one = new SharedClaimRegistry({ store, now: () => clock.now });
    const two = new SharedClaimRegistry({ store, now: () => clock.now });
    await one.add(claim('a', '192.0.2.0/25'), 2_000);
    await two.add(claim('b', '198.51.100.0/24'), 2_000);
    expect((await one.list('SpiderIPPool')).map((c) => c.name).sort()).toEqual(['a', 'b']);
    store.entries.set('SpiderIPPool/a', { text: JSON.stringify(claim('a', '203.0.113.0/24')), expiresAt: 2_000 });
    expect(await one.list('SpiderIPPool')).toContainEqual(claim('a', '192.0.2.0/25'));
    expect(await two.list('SpiderIPPool')).toContainEqual(claim('a', '203.0.113.0/24'));
  });

  it('goes on with local claims when the store fails, and reports it', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const errors: unknown[] = [];
    const registry = new SharedClaimRegistry({ store, now: () => clock.now, onStoreError: (err) => errors.push(err) });
    store.failing = true;
    await registry.add(claim('a', '192.0.2.0/24'), 1_000);
    expect(await registry.list('SpiderIPPool')).toEqual([claim('a', '192.0.2.0/24')]);
    expect(errors).toHaveLength(2);
  });

  it('ignores store entries that are not claims of the kind', async () => {
    const clock = { now: 0 };
    const store = new MemoryStore(clock);
    const registry = new SharedClaimRegistry({ store, now: () => clock.now });
    store.entries.set('SpiderIPPool/x', { text: 'not json', expiresAt: 10 });
    store.entries.set('SpiderIPPool/y', { text: JSON.stringify({ kind: 'SpiderSubnet', name: 'y', payload: {} }), expiresAt: 10 });
    store.entries.set('SpiderIPPool/z', { text: JSON.stringify({ kind: 'SpiderIPPool', name: 'z' }), expiresAt: 10 });
    expect(await registry.list('SpiderIPPool')).toEqual([]);
  });

  it('refuses a ttl out of range and a claim without a name', async () => {
    const registry = new SharedClaimRegistry();
    await expect(registry.add(claim('a', '192.0.2.0/24'), 0)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'ttlMs' });
    await expect(registry.add(claim('a', '192.0.2.0/24'), 1.5)).rejects.toMatchObject({ field: 'ttlMs' });
    await expect(registry.add(claim('a', '192.0.2.0/24'), 3_600_000)).rejects.toMatchObject({ field: 'ttlMs' });
    await expect(registry.add(claim('', '192.0.2.0/24'), 1_000)).rejects.toMatchObject({ field: 'claim.name' });
  });
});
