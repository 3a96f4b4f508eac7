// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import type { V1Pod } from '@kubernetes/client-node';
import { FactGatherer, splitPodKey } from './fact-gatherer.ts';
import { endpointObject, FakeCluster, podObject, readyNode, record } from './gc-fakes.ts';
import { nodeStateOf, podFactsOf } from './pod-facts.ts';
import type { WorkloadKind } from './ports.ts';

const NOW = Date.UTC(2030, 0, 1);

describe('pod facts', () => {
  it('reads the node state from the Ready condition, unknown otherwise', () => {
    expect(nodeStateOf(readyNode('n'))).toBe('ready');
    expect(nodeStateOf({ status: { conditions: [{ type: 'Ready', status: 'False' }] } })).toBe('not-ready');
    expect(nodeStateOf({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toBe('unknown');
    expect(nodeStateOf(undefined)).toBe('unknown');
  });

  it('takes the latest finishedAt over init and app containers, and the deletion fields', () => {
    const pod: V1Pod = podObject({ namespace: 'ns-a', name: 'p', uid: 'u', phase: 'Failed', ips: [] });
    pod.metadata = { ...pod.metadata, deletionTimestamp: new Date(NOW), deletionGracePeriodSeconds: 10 };
    const terminated = (at: number) => ({ name: 'c', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 1, finishedAt: new Date(at) } } });
    pod.status = { ...pod.status, initContainerStatuses: [terminated(NOW - 5_000)], containerStatuses: [terminated(NOW - 1_000), { name: 'd', image: '', imageID: '', ready: true, restartCount: 0 }] };
    expect(podFactsOf(pod, 'ready')).toEqual({
      uid: 'u',
      phase: 'Failed',
      hostNetwork: false,
      hasPodIps: false,
      nodeState: 'ready',
      deletionTimestampMs: NOW,
      deletionGracePeriodSeconds: 10,
      terminationGracePeriodSeconds: 30,
      lastFinishedAtMs: NOW - 1_000,
    });
  });

  it('splits record pod keys and refuses malformed ones', () => {
    expect(splitPodKey('ns-a/web')).toEqual(['ns-a', 'web']);
    expect(splitPodKey('web')).toBeUndefined();
    expect(splitPodKey('/web')).toBeUndefined();
    expect(splitPodKey('ns-a/')).toBeUndefined();
  });
});

describe('FactGatherer', () => {
  const gatherer = (cluster: FakeCluster, features = { statefulSet: true, kubevirt: true }) => new FactGatherer({ cluster, features });
  const input = (rec = record('ns-a/web-1', 'uid-a')) => ({ pool: 'pool-v4', ip: '192.0.2.10', record: rec, now: NOW, fresh: true });

  it('judges a StatefulSet replica by the set\'s replicas and ordinals', async () => {
    const cluster = new FakeCluster();
    cluster.addPod(podObject({ namespace: 'ns-a', name: 'web-1', uid: 'uid-a', owner: { kind: 'StatefulSet', name: 'web' } }));
    cluster.addWorkload('StatefulSet', { metadata: { namespace: 'ns-a', name: 'web' }, spec: { replicas: 1, ordinals: { start: 1 } } } as never);
    expect((await gatherer(cluster).recordFacts(input())).pod?.fixedOwner).toEqual({ kind: 'StatefulSet', name: 'web', validity: 'valid' });
    cluster.addWorkload('StatefulSet', { metadata: { namespace: 'ns-a', name: 'web' }, spec: { replicas: 1 } } as never);
    expect((await gatherer(cluster).recordFacts(input())).pod?.fixedOwner?.validity).toBe('invalid');
  });

  it('treats StatefulSet pods as stateless when the feature is off', async () => {
    const cluster = new FakeCluster();
    cluster.addPod(podObject({ namespace: 'ns-a', name: 'web-1', uid: 'uid-a', owner: { kind: 'StatefulSet', name: 'web' } }));
    const facts = await gatherer(cluster, { statefulSet: false, kubevirt: true }).recordFacts(input(record('ns-a/web-1', 'uid-a', { ownerKind: 'StatefulSet' })));
    expect(facts.pod?.fixedOwner).toBeUndefined();
    expect(facts.recordOwner).toBeUndefined();
  });

  it('judges a KubeVirt record (keyed by the VM) through the VM and VMI', async () => {
    const cluster = new FakeCluster();
    cluster.addEndpoint(endpointObject({ namespace: 'ns-a', name: 'vm1', uid: 'uid-a', ownerKind: 'VirtualMachineInstance', ownerName: 'vm1' }));
    cluster.addWorkload('VirtualMachine', { metadata: { namespace: 'ns-a', name: 'vm1' } });
    const facts = await gatherer(cluster).recordFacts(input(record('ns-a/vm1', 'uid-a', { ownerKind: 'VirtualMachineInstance' })));
    expect(facts.endpoint).toEqual({ uid: 'uid-a', fixedOwner: { kind: 'KubeVirt', name: 'vm1', validity: 'valid' } });
    expect(facts.recordOwner).toEqual({ kind: 'KubeVirt', name: 'vm1', validity: 'valid' });
  });

  it('reads a failed owner look-up as unknown (which keeps)', async () => {
    const cluster = new FakeCluster();
    cluster.workload = async (_kind: WorkloadKind) => {
      throw new Error('apiserver unavailable');
    };
    cluster.addPod(podObject({ namespace: 'ns-a', name: 'web-1', uid: 'uid-a', owner: { kind: 'StatefulSet', name: 'web' } }));
    expect((await gatherer(cluster).recordFacts(input())).pod?.fixedOwner?.validity).toBe('unknown');
  });

  it('looks the pod up in the record\'s own namespace only', async () => {
    const cluster = new FakeCluster();
    cluster.addPod(podObject({ namespace: 'ns-b', name: 'web-1', uid: 'uid-a' }));
    expect((await gatherer(cluster).recordFacts(input())).pod).toBeUndefined();
  });
});
