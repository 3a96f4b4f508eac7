// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import { settle } from '@spiderpool/k8s';
import { DueQueue } from './due-queue.ts';
import { endpointObject, harness, podObject, readyNode, record, testSettings, type Harness } from './gc-fakes.ts';
import { Tracer } from './tracer.ts';

function setup(settings = testSettings()): Harness & { tracer: Tracer; queue: DueQueue } {
  const h = harness(settings);
  h.cluster.nodes.set('node-1', readyNode('node-1'));
  const queue = new DueQueue(100);
  const tracer = new Tracer({ ...h, queue, gapMs: 5_000, maxRetries: 3, workers: 2 });
  return { ...h, tracer, queue };
}

const ips = (h: Harness): string[] => [...(h.cluster.poolRecords.get('pool-v4')?.keys() ?? [])];

function finishedJobPod(h: Harness, finishedAgoMs: number): V1Pod {
  const pod = podObject({ namespace: 'ns-a', name: 'job-x', uid: 'uid-j', phase: 'Succeeded' });
  pod.spec = { ...pod.spec, containers: [], restartPolicy: 'Never', terminationGracePeriodSeconds: 30 };
  pod.status = { ...pod.status, containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, finishedAt: new Date(h.clock.now() - finishedAgoMs) } } }] };
  return pod;
}

describe('Tracer', () => {
  it('reclaims a Succeeded Job pod only after finishedAt + terminationGracePeriodSeconds', async () => {
    const h = setup();
    const pod = finishedJobPod(h, 10_000);
    h.cluster.addPod(pod);
    h.cluster.addRecord('pool-v4', '192.0.2.30', record('ns-a/job-x', 'uid-j'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'job-x', uid: 'uid-j', ip: '192.0.2.30' }));
    await h.tracer.onPodEvent('MODIFIED', pod);
    expect(h.queue.size).toBe(1);

    h.clock.advance(19_000);
    await h.tracer.runDue();
    expect(ips(h)).toEqual(['192.0.2.30']);

    h.clock.advance(1_000);
    await h.tracer.runDue();
    expect(ips(h)).toEqual([]);
    expect(h.ipam.removed).toEqual(['ns-a/job-x']);
    expect(await h.registry.getSingleMetricAsString('spiderpool_gc_reclaimed_ips_total')).toContain('reason="pod Succeeded past grace period"} 1');
  });

  it('reclaims a deleted pod on the next pass, after a live check that it is gone', async () => {
    const h = setup();
    const pod = podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' });
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.onPodEvent('DELETED', pod);
    await h.tracer.runDue();
    expect(ips(h)).toEqual([]);
    expect(h.cluster.liveReads).toBeGreaterThan(0);
  });

  it('releases only the traced UID when a new pod already holds the name', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addRecord('pool-v4', '192.0.2.11', record('ns-a/web', 'uid-b'));
    h.cluster.addPod(podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-b', ips: ['192.0.2.11'] }));
    await h.tracer.onPodEvent('DELETED', podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.runDue();
    expect(ips(h)).toEqual(['192.0.2.11']);
  });

  it('ignores host-network, running, and valid StatefulSet pods', async () => {
    const h = setup();
    const host = podObject({ namespace: 'ns-a', name: 'h', uid: 'uid-h' });
    host.spec = { ...host.spec, containers: [], hostNetwork: true };
    await h.tracer.onPodEvent('DELETED', host);
    await h.tracer.onPodEvent('MODIFIED', podObject({ namespace: 'ns-a', name: 'r', uid: 'uid-r' }));
    h.cluster.addWorkload('StatefulSet', { metadata: { namespace: 'ns-a', name: 'db' }, spec: { replicas: 1 } } as never);
    await h.tracer.onPodEvent('DELETED', podObject({ namespace: 'ns-a', name: 'db-0', uid: 'uid-s', owner: { kind: 'StatefulSet', name: 'db' } }));
    expect(h.queue.size).toBe(0);
  });

  it('retries a failed release up to SPIDERPOOL_GC_PODENTRY_MAX_RETRIES, then leaves it to the scan', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    h.ipam.failuresLeft = 10;
    await h.tracer.onPodEvent('DELETED', podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    for (let i = 0; i < 5; i++) {
      await h.tracer.runDue();
      h.clock.advance(5_000);
    }
    expect(h.ipam.requests).toHaveLength(3);
    expect(h.queue.size).toBe(0);
    expect(ips(h)).toEqual(['192.0.2.10']);
  });

  it('releases nothing once the leadership term ended', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.onPodEvent('DELETED', podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.runDue(AbortSignal.abort());
    expect(h.ipam.requests).toEqual([]);
    expect(ips(h)).toEqual(['192.0.2.10']);
  });

  it('succeeds on a retry after a transient failure', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.ipam.failuresLeft = 1;
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.onPodEvent('DELETED', podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.runDue();
    h.clock.advance(5_000);
    await h.tracer.runDue();
    expect(ips(h)).toEqual([]);
  });

  it('holds the record of a deleted pod that has no endpoint for the orphan grace window', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    await h.tracer.onPodEvent('DELETED', podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.runDue();
    expect(ips(h)).toEqual(['192.0.2.10']);
    h.clock.advance(59_000);
    await h.tracer.runDue();
    expect(ips(h)).toEqual(['192.0.2.10']);
    h.clock.advance(1_000);
    await h.tracer.runDue();
    expect(ips(h)).toEqual([]);
  });

  it('runs a pass every trace gap until aborted', async () => {
    const h = setup();
    h.cluster.addRecord('pool-v4', '192.0.2.10', record('ns-a/web', 'uid-a'));
    h.cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    await h.tracer.onPodEvent('DELETED', podObject({ namespace: 'ns-a', name: 'web', uid: 'uid-a' }));
    const abort = new AbortController();
    const loop = h.tracer.run(abort.signal);
    await settle();
    expect(ips(h)).toEqual(['192.0.2.10']);
    h.clock.advance(5_000);
    await settle();
    expect(ips(h)).toEqual([]);
    abort.abort();
    await loop;
  });
});
