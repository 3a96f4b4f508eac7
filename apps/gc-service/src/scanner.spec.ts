// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import { DueQueue } from './due-queue.ts';
import { endpointObject, harness, podObject, readyNode, record, testSettings, type Harness } from './gc-fakes.ts';
import { Scanner } from './scanner.ts';
import { Tracer } from './tracer.ts';

function setup(settings = testSettings(), cleanEndpoints = true): Harness & { scanner: Scanner; queue: DueQueue } {
  const h = harness(settings);
  h.cluster.nodes.set('node-1', readyNode('node-1'));
  const queue = new DueQueue(100);
  const tracer = new Tracer({ ...h, cluster: h.cluster, queue, gapMs: 5_000, maxRetries: 5, workers: 3 });
  const scanner = new Scanner({ ...h, tracer, releaser: h.ipam, workers: 3, cleanEndpoints });
  return { ...h, scanner, queue };
}

const ips = (h: Harness, pool = 'pool-v4'): string[] => [...(h.cluster.poolRecords.get(pool)?.keys() ?? [])];

describe('Scanner', () => {
  it('releases the record of a gone pod and deletes its endpoint', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    const summary = await h.scanner.scan();
    expect(summary.released).toBe(1);
    expect(ips(h)).toEqual([]);
    expect(h.ipam.removed).toEqual(['ns-a/web']);
    expect(h.ipam.requests[0]).toEqual({ pod: { namespace: 'ns-a', name: 'web', uid: 'uid-a' }, expected: [{ pool: 'pool-v4', ip: '192.0.2.10' }], removeEndpoint: true });
  });

  it('never touches a same-name pod in another namespace', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    h.cluster.addRecord('pool-v4', '192.0.2.11', record('ns-b/web', 'uid-b'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-b', name: 'web', uid: 'uid-b', ip: '192.0.2.11' }));
    h.cluster.addPod(podObject({ namespace: 'ns-b', name: 'web', uid: 'uid-b', ips: ['192.0.2.11'] }));
    await h.scanner.scan();
    expect(ips(h)).toEqual(['192.0.2.11']);
    expect(h.ipam.removed).toEqual(['ns-a/web']);
  });

  it('releases the old UID of a pod recreated under the same name and keeps the new one', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-old'));
    h.cluster.addRecord('pool-v4', '192.0.2.11', record('ns-a/web', 'uid-new'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-new', ip: '192.0.2.11' }));
    h.cluster.addPod(podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-new', ips: ['192.0.2.11'] }));
    await h.scanner.scan();
    expect(ips(h)).toEqual(['192.0.2.11']);
    // The endpoint belongs to the new incarnation: it stays.
    expect(h.ipam.removed).toEqual([]);
  });

  it('keeps the fixed IP of a restarting StatefulSet replica and releases it once scaled down', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.20', record('ns-a/db-2', 'uid-a', { ownerKind: 'StatefulSet' }));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'db-2', uid: 'uid-a', ownerKind: 'StatefulSet', ownerName: 'db', ip: '192.0.2.20' }));
    h.cluster.addWorkload('StatefulSet', { metadata: { namespace: 'ns-a', name: 'db' }, spec: { replicas: 3 } } as never);
    await h.scanner.scan();
    expect(ips(h)).toEqual(['192.0.2.20']);

    h.cluster.addWorkload('StatefulSet', { metadata: { namespace: 'ns-a', name: 'db' }, spec: { replicas: 2 } } as never);
    await h.scanner.scan();
    expect(ips(h)).toEqual([]);
    expect(h.ipam.removed).toEqual(['ns-a/db-2']);
  });

  it('keeps a terminating pod on a node of unknown state and counts it as unsure', async () => {
    const h = setup();
    const pod: V1Pod = podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a', node: 'node-gone' });
    pod.metadata = { ...pod.metadata, deletionTimestamp: new Date(h.clock.now() - 120_000), deletionGracePeriodSeconds: 30 };
    h.cluster.addPod(pod);
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    await h.scanner.scan();
    expect(ips(h)).toEqual(['192.0.2.10']);
    expect(await h.registry.getSingleMetricAsString('spiderpool_gc_kept_unsure_total')).toContain('reason="node state unknown"} 1');
  });

  it('re-checks the live API before releasing: a pod missing only from the cache keeps its IP', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    h.cluster.addPod(podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    h.cluster.cachedPods = new Map();
    const summary = await h.scanner.scan();
    expect(h.cluster.liveReads).toBeGreaterThan(0);
    expect(h.ipam.requests).toEqual([]);
    expect(summary.released).toBe(0);
    expect(ips(h)).toEqual(['192.0.2.10']);
  });

  it('releases an orphan record (no pod, no endpoint) only after the grace window', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    const first = await h.scanner.scan();
    expect(first.traced).toBe(1);
    expect(h.queue.has('uid-a')).toBe(true);
    h.clock.advance(30_000);
    await h.scanner.scan();
    expect(ips(h)).toEqual(['192.0.2.10']);
    h.clock.advance(30_000);
    await h.scanner.scan();
    expect(ips(h)).toEqual([]);
  });

  it('seeds the tracer with a terminating pod still in its grace period', async () => {
    const h = setup();
    const pod: V1Pod = podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' });
    pod.metadata = { ...pod.metadata, deletionTimestamp: new Date(h.clock.now()), deletionGracePeriodSeconds: 30 };
    h.cluster.addPod(pod);
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    await h.scanner.scan();
    expect(ips(h)).toEqual(['192.0.2.10']);
    expect(h.queue.takeDue(h.clock.now() + 30_000).map((e) => e.pod.uid)).toEqual(['uid-a']);
  });

  it('deletes an endpoint no pool record backs once its pod is gone, and keeps the others', async () => {
    const h = setup();
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'gone', uid: 'uid-a' }));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'alive', uid: 'uid-b' }));
    h.cluster.addPod(podObject({ namespace: 'ns-a', name: 'alive', uid: 'uid-b' }));
    const summary = await h.scanner.scan();
    expect(summary.endpointsDeleted).toBe(1);
    expect(h.ipam.removed).toEqual(['ns-a/gone']);
  });

  it('releases nothing once the leadership term ended', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'gone', uid: 'uid-g' }));
    await h.scanner.scan(AbortSignal.abort());
    expect(h.ipam.requests).toEqual([]);
    expect(h.ipam.removed).toEqual([]);
  });

  it('does nothing when GC is disabled', async () => {
    const h = setup(testSettings({ enabled: false }));
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.scanner.scan();
    expect(h.ipam.requests).toEqual([]);
  });

  it('counts a failed release and leaves the record for the next scan', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    h.ipam.failuresLeft = 1;
    const summary = await h.scanner.scan();
    expect(summary.failed).toBe(1);
    expect(ips(h)).toEqual(['192.0.2.10']);
    expect(await h.registry.getSingleMetricAsString('spiderpool_gc_failures_total')).toContain('reason="UNAVAILABLE"} 1');
    await h.scanner.scan();
    expect(ips(h)).toEqual([]);
  });
});
