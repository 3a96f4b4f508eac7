// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '@spiderpool/k8s';
import type { WatchedKind } from './admission-types.ts';
import { ObjectReader, type KindCache, type LiveReader } from './object-reader.ts';

const obj = (name: string, namespace?: string, rv = '1'): KubeObject => ({ metadata: { name, ...(namespace ? { namespace } : {}), resourceVersion: rv } });

/** A cache whose first sync completes when the test says so. */
class FakeCache implements KindCache {
  readonly items = new Map<string, KubeObject>();
  started = 0;
  stopped = false;
  #sync!: () => void;
  readonly #synced = new Promise<void>((resolve) => {
    this.#sync = resolve;
  });

  sync(...objects: KubeObject[]): void {
    for (const o of objects) this.items.set(`${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o);
    this.#sync();
  }

  start(): Promise<void> {
    this.started++;
    return this.#synced;
  }

  stop(): void {
    this.stopped = true;
  }

  get(name: string, namespace?: string): KubeObject | undefined {
    return this.items.get(`${namespace ?? ''}/${name}`);
  }

  list(): KubeObject[] {
    return [...this.items.values()];
  }
}

class FakeLive implements LiveReader {
  readonly objects = new Map<WatchedKind, KubeObject[]>();
  readonly calls: string[] = [];

  async list(kind: WatchedKind, namespace?: string): Promise<KubeObject[]> {
    this.calls.push(`list ${kind}${namespace ? ` ${namespace}` : ''}`);
    return (this.objects.get(kind) ?? []).filter((o) => !namespace || o.metadata?.namespace === namespace);
  }

  async get(kind: WatchedKind, name: string, namespace?: string): Promise<KubeObject | undefined> {
    this.calls.push(`get ${kind} ${name}`);
    return (this.objects.get(kind) ?? []).find((o) => o.metadata?.name === name && o.metadata?.namespace === namespace);
  }
}

function setup(): { reader: ObjectReader; caches: Map<WatchedKind, FakeCache>; live: FakeLive } {
  const caches = new Map<WatchedKind, FakeCache>();
  const live = new FakeLive();
  const reader = new ObjectReader({
    cacheOf: (kind) => {
      const cache = new FakeCache();
      caches.set(kind, cache);
      return cache;
    },
    live,
  });
  return { reader, caches, live };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ObjectReader', () => {
  it('reads from the API server until the cache has synced, then from the cache', async () => {
    const { reader, caches, live } = setup();
    live.objects.set('SpiderIPPool', [obj('live-pool')]);
    expect(await reader.list('SpiderIPPool')).toEqual([obj('live-pool')]);
    expect(reader.synced('SpiderIPPool')).toBe(false);
    caches.get('SpiderIPPool')?.sync(obj('cached-pool'));
    await flush();
    expect(reader.synced('SpiderIPPool')).toBe(true);
    expect(await reader.list('SpiderIPPool')).toEqual([obj('cached-pool')]);
    expect(live.calls).toEqual(['list SpiderIPPool']);
    expect(caches.get('SpiderIPPool')?.started).toBe(1);
  });

  it('goes to the API server for fresh lists', async () => {
    const { reader, caches, live } = setup();
    const warming = reader.warm(['SpiderSubnet']);
    caches.get('SpiderSubnet')?.sync(obj('old'));
    await warming;
    await flush();
    live.objects.set('SpiderSubnet', [obj('new')]);
    expect(await reader.list('SpiderSubnet', { fresh: true })).toEqual([obj('new')]);
    expect(await reader.list('SpiderSubnet')).toEqual([obj('old')]);
  });

  it('filters namespaced lists from the cache', async () => {
    const { reader, caches } = setup();
    await reader.list('SpiderMultusConfig');
    caches.get('SpiderMultusConfig')?.sync(obj('a', 'ns1'), obj('b', 'ns2'));
    await flush();
    expect(await reader.list('SpiderMultusConfig', { namespace: 'ns2' })).toEqual([obj('b', 'ns2')]);
  });

  it('answers get from the cache and confirms a miss with a live GET', async () => {
    const { reader, caches, live } = setup();
    await reader.get('SpiderIPPool', 'x');
    caches.get('SpiderIPPool')?.sync(obj('cached'));
    await flush();
    live.objects.set('SpiderIPPool', [obj('just-created')]);
    expect(await reader.get('SpiderIPPool', 'cached')).toEqual(obj('cached'));
    expect(await reader.get('SpiderIPPool', 'just-created')).toEqual(obj('just-created'));
    expect(await reader.get('SpiderIPPool', 'absent')).toBeUndefined();
    expect(live.calls).toEqual(['get SpiderIPPool x', 'get SpiderIPPool just-created', 'get SpiderIPPool absent']);
  });

  it('warm() resolves once the named caches synced; stop() stops them', async () => {
    const { reader, caches } = setup();
    let warmed = false;
    const warming = reader.warm(['SpiderIPPool', 'SpiderSubnet']).then(() => {
      warmed = true;
    });
    caches.get('SpiderIPPool')?.sync();
    await flush();
    expect(warmed).toBe(false);
    caches.get('SpiderSubnet')?.sync();
    await warming;
    expect(warmed).toBe(true);
    reader.stop();
    expect([...caches.values()].every((c) => c.stopped)).toBe(true);
  });
});
