// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it } from '@jest/globals';
import type { SpiderCoordinator, SpiderCoordinatorStatus } from '@spiderpool/crds';
import { SpiderpoolError } from '@spiderpool/errors';
import { ManualClock, settle } from '@spiderpool/k8s';
import { CoordinatorStatusLoop, type CoordinatorStatusStore } from './coordinator-status-loop.ts';
import { fakeNetworkSources, type FakeNetworkSources } from './testing/fake-network-sources.ts';

const SERVICE_CIDRS = [{ metadata: { name: 'kubernetes' }, spec: { cidrs: ['203.0.113.0/24'] } }];
const KUBEADM = 'networking:\n  podSubnet: 198.51.100.0/24\n';

/** Coordinators in memory; status writes land on them, as the status subresource would. */
class FakeStore implements CoordinatorStatusStore {
  readonly items = new Map<string, SpiderCoordinator>();
  readonly writes: Array<{ name: string; status: SpiderCoordinatorStatus }> = [];
  lists = 0;
  failWrites: SpiderpoolError | undefined;

  add(name: string, podCIDRType: string, status?: SpiderCoordinatorStatus): void {
    this.items.set(name, { metadata: { name }, spec: { podCIDRType } as SpiderCoordinator['spec'], ...(status ? { status } : {}) });
  }

  async list(): Promise<SpiderCoordinator[]> {
    this.lists++;
    return structuredClone([...this.items.values()]);
  }

  async writeStatus(name: string, status: SpiderCoordinatorStatus): Promise<void> {
    if (this.failWrites) throw this.failWrites;
    const item = this.items.get(name);
    if (!item) throw new SpiderpoolError('NOT_FOUND', `spidercoordinators ${name} not found`);
    this.writes.push({ name, status: structuredClone(status) });
    item.status = structuredClone(status);
  }
}

interface Harness {
  clock: ManualClock;
  store: FakeStore;
  sources: FakeNetworkSources;
  loop: CoordinatorStatusLoop;
  metrics: { passes: string[]; wrote: string[]; notReady: number[] };
  warnings: string[];
  abort: AbortController;
  done: Promise<void>;
}

const running: Harness[] = [];

function start(setup: (h: Pick<Harness, 'store' | 'sources'>) => void = () => undefined): Harness {
  const clock = new ManualClock();
  const store = new FakeStore();
  const sources = fakeNetworkSources({ serviceCIDRs: SERVICE_CIDRS, kubeadm: KUBEADM });
  setup({ store, sources });
  const metrics = { passes: [] as string[], wrote: [] as string[], notReady: [] as number[] };
  const warnings: string[] = [];
  const loop = new CoordinatorStatusLoop({
    store,
    sources,
    clock,
    logger: { debug: () => undefined, info: () => undefined, warn: (_o: unknown, msg?: string) => warnings.push(msg ?? '') } as never,
    metrics: { passed: (r) => metrics.passes.push(r), wrote: (p) => metrics.wrote.push(p), notReady: (n) => metrics.notReady.push(n) },
    resyncMs: 60_000,
    debounceMs: 200,
    retryMs: 1_000,
  });
  const abort = new AbortController();
  const h = { clock, store, sources, loop, metrics, warnings, abort, done: loop.run(abort.signal) };
  running.push(h);
  return h;
}

afterEach(async () => {
  for (const h of running.splice(0)) {
    h.abort.abort();
    await h.done;
  }
});

describe('SpiderCoordinator status loop', () => {
  it('writes the status of every coordinator on the first pass', async () => {
    const h = start(({ store }) => {
      store.add('a', 'cluster');
      store.add('b', 'calico');
      store.add('c', 'none');
    });
    await settle();
    expect(h.store.writes).toEqual([
      { name: 'a', status: { phase: 'Synced', overlayPodCIDR: ['198.51.100.0/24'], serviceCIDR: ['203.0.113.0/24'] } },
      { name: 'b', status: { phase: 'NotReady', reason: 'pod CIDR (podCIDRType calico) not found: Calico IPPool API (crd.projectcalico.org/v1 ippools) not found', overlayPodCIDR: [], serviceCIDR: ['203.0.113.0/24'] } },
      { name: 'c', status: { phase: 'Synced', overlayPodCIDR: [], serviceCIDR: ['203.0.113.0/24'] } },
    ]);
    expect(h.metrics).toEqual({ passes: ['ok'], wrote: ['Synced', 'NotReady', 'Synced'], notReady: [1] });
  });

  it('does not write a status that would not change', async () => {
    const h = start(({ store }) => store.add('a', 'none', { phase: 'Synced', overlayPodCIDR: [], serviceCIDR: ['203.0.113.0/24'] }));
    await settle();
    expect(h.store.lists).toBe(1);
    expect(h.store.writes).toEqual([]);
  });

  it('re-evaluates after a trigger, once per burst, after the debounce', async () => {
    const h = start(({ store }) => store.add('a', 'calico'));
    await settle();
    h.sources.state.calicoPools = [{ spec: { cidr: '192.0.2.0/24' } }];
    h.loop.trigger();
    h.loop.trigger();
    h.loop.trigger();
    await settle();
    expect(h.store.lists).toBe(1);
    await h.clock.run(200, 100);
    expect(h.store.lists).toBe(2);
    expect(h.store.writes.at(-1)).toEqual({ name: 'a', status: { phase: 'Synced', overlayPodCIDR: ['192.0.2.0/24'], serviceCIDR: ['203.0.113.0/24'] } });
    await h.clock.run(1_000, 100);
    expect(h.store.lists).toBe(2);
  });

  it('re-reads the sources at the resync period without any trigger', async () => {
    const h = start(({ store }) => store.add('a', 'cilium'));
    await settle();
    expect(h.store.writes.at(-1)?.status.phase).toBe('NotReady');
    h.sources.state.cilium = { 'cluster-pool-ipv4-cidr': '192.0.2.0/24' };
    await h.clock.run(59_000, 1_000);
    expect(h.store.lists).toBe(1);
    await h.clock.run(2_000, 100);
    expect(h.store.lists).toBe(2);
    expect(h.store.writes.at(-1)?.status).toEqual({ phase: 'Synced', overlayPodCIDR: ['192.0.2.0/24'], serviceCIDR: ['203.0.113.0/24'] });
  });

  it('keeps the last status when a source fails, and retries with growing delays', async () => {
    const h = start(({ store, sources }) => {
      store.add('a', 'cluster', { phase: 'Synced', overlayPodCIDR: ['198.51.100.0/24'], serviceCIDR: ['203.0.113.0/24'] });
      sources.state.failing = new Set(['serviceCIDRObjects']);
    });
    await settle();
    expect(h.metrics.passes).toEqual(['error']);
    expect(h.warnings).toEqual(['SpiderCoordinator status pass failed; statuses stay as they are until the retry']);
    await h.clock.run(1_200, 100); // retry after 1 s (+ debounce)
    expect(h.metrics.passes).toEqual(['error', 'error']);
    await h.clock.run(1_500, 100); // the next one waits 2 s
    expect(h.metrics.passes).toEqual(['error', 'error']);
    h.sources.state.failing = new Set();
    h.sources.state.kubeadm = 'networking:\n  podSubnet: 192.0.2.0/24\n';
    await h.clock.run(1_000, 100);
    expect(h.metrics.passes).toEqual(['error', 'error', 'ok']);
    expect(h.store.writes).toEqual([{ name: 'a', status: { phase: 'Synced', overlayPodCIDR: ['192.0.2.0/24'], serviceCIDR: ['203.0.113.0/24'] } }]);
  });

  it('ignores a coordinator deleted during the pass but retries other write failures', async () => {
    const h = start(({ store }) => store.add('a', 'none'));
    // The first pass has already listed 'a' (run() starts it synchronously); its write then
    // finds the object gone.
    expect(h.store.lists).toBe(1);
    h.store.items.delete('a');
    await settle();
    expect(h.metrics.passes).toEqual(['ok']);
    expect(h.store.writes).toEqual([]);
    h.store.add('b', 'none');
    h.store.failWrites = new SpiderpoolError('UNAVAILABLE', 'apiserver gone');
    h.loop.trigger();
    await h.clock.run(300, 100);
    expect(h.metrics.passes).toEqual(['ok', 'error']);
  });

  it('stops when the signal aborts, and starts no pass afterwards', async () => {
    const h = start(({ store }) => store.add('a', 'none'));
    await settle();
    h.abort.abort();
    await h.done;
    h.loop.trigger();
    await h.clock.run(120_000, 10_000);
    expect(h.store.lists).toBe(1);
  });
});
