// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { NOW, pod, record, settings } from './gc-fixtures.ts';
import type { FixedOwnerFacts, GcDecision, GcSettings, RecordFacts } from './gc-types.ts';
import { decideRecord } from './record-decision.ts';

const sts = (validity: FixedOwnerFacts['validity']): FixedOwnerFacts => ({ kind: 'StatefulSet', name: 'web', validity });
const vm = (validity: FixedOwnerFacts['validity']): FixedOwnerFacts => ({ kind: 'KubeVirt', name: 'vm1', validity });
const keep = (reason: string, unsure = false): GcDecision => ({ action: 'keep', reason, unsure });
const release = (reason: string, deleteEndpoint: boolean): GcDecision => ({ action: 'release', reason, deleteEndpoint });

describe('decideRecord', () => {
  const cases: Array<{ name: string; facts: RecordFacts; settings?: Partial<GcSettings>; want: GcDecision }> = [
    // The pod under the record's name is gone.
    { name: 'pod and its endpoint gone, orphan past grace: release', facts: record({ orphanSinceMs: NOW - 60_000 }), want: release('pod and endpoint gone', false) },
    {
      name: 'orphan record within the grace window: trace until it ends',
      facts: record({ orphanSinceMs: NOW - 10_000 }),
      want: { action: 'trace', reason: 'orphan record within grace window', until: NOW + 50_000 },
    },
    { name: 'orphan seen for the first time: trace a full window', facts: record(), want: { action: 'trace', reason: 'orphan record within grace window', until: NOW + 60_000 } },
    { name: 'pod gone, own stateless endpoint: release and delete endpoint', facts: record({ endpoint: { uid: 'uid-a' } }), want: release('pod gone', true) },
    { name: 'pod gone, endpoint of another UID: release, leave endpoint', facts: record({ endpoint: { uid: 'uid-b' } }), want: release('pod gone; endpoint belongs to another pod UID', false) },
    { name: 'StatefulSet pod restarting (gone, replica valid): keep', facts: record({ endpoint: { uid: 'uid-a', fixedOwner: sts('valid') } }), want: keep('StatefulSet still owns the fixed address') },
    { name: 'scaled-down StatefulSet (gone, replica invalid): release', facts: record({ endpoint: { uid: 'uid-a', fixedOwner: sts('invalid') } }), want: release('pod gone', true) },
    { name: 'StatefulSet validity unknown: keep, unsure', facts: record({ endpoint: { uid: 'uid-a', fixedOwner: sts('unknown') } }), want: keep('StatefulSet validity unknown', true) },
    { name: 'KubeVirt VM still valid: keep', facts: record({ endpoint: { uid: 'uid-a', fixedOwner: vm('valid') } }), want: keep('KubeVirt still owns the fixed address') },
    { name: 'KubeVirt VM gone: release', facts: record({ endpoint: { uid: 'uid-a', fixedOwner: vm('invalid') } }), want: release('pod gone', true) },
    {
      name: 'KubeVirt record (keyed by the VM) without endpoint, VM valid: keep',
      facts: record({ record: { pod: 'ns-a/vm1', podUid: 'uid-a', ownerKind: 'VirtualMachineInstance' }, recordOwner: vm('valid'), orphanSinceMs: NOW - 3_600_000 }),
      want: keep('KubeVirt still owns the fixed address'),
    },
    {
      name: 'StatefulSet record without pod or endpoint, validity unknown: keep, unsure',
      facts: record({ recordOwner: sts('unknown'), orphanSinceMs: NOW - 3_600_000 }),
      want: keep('StatefulSet validity unknown', true),
    },
    {
      name: 'StatefulSet record without pod or endpoint, scaled down: released after the orphan grace',
      facts: record({ recordOwner: sts('invalid'), orphanSinceMs: NOW - 3_600_000 }),
      want: release('pod and endpoint gone', false),
    },
    // Another pod (another UID) under the same name.
    {
      name: 'pod recreated under the same name: old UID record released with its endpoint',
      facts: record({ pod: pod({ uid: 'uid-b' }), endpoint: { uid: 'uid-a' } }),
      want: release('pod UID changed', true),
    },
    {
      name: 'pod recreated, endpoint already taken by the new UID: release record only',
      facts: record({ pod: pod({ uid: 'uid-b' }), endpoint: { uid: 'uid-b' } }),
      want: release('pod UID changed', false),
    },
    {
      name: 'StatefulSet pod recreated, new pod has no address yet: keep for take-over',
      facts: record({ pod: pod({ uid: 'uid-b', phase: 'Pending', hasPodIps: false, fixedOwner: sts('valid') }), endpoint: { uid: 'uid-a', fixedOwner: sts('valid') } }),
      want: keep('StatefulSet replica recreated; address awaits take-over'),
    },
    {
      name: 'StatefulSet pod recreated and already addressed: old record released',
      facts: record({ pod: pod({ uid: 'uid-b', fixedOwner: sts('valid') }), endpoint: { uid: 'uid-b', fixedOwner: sts('valid') } }),
      want: release('pod UID changed; new incarnation already has addresses', false),
    },
    {
      name: 'StatefulSet pod recreated, validity unknown, no address yet: keep, unsure',
      facts: record({ pod: pod({ uid: 'uid-b', hasPodIps: false, fixedOwner: sts('unknown') }) }),
      want: keep('StatefulSet validity unknown', true),
    },
    // The record's own pod.
    { name: 'running pod: keep', facts: record({ pod: pod(), endpoint: { uid: 'uid-a' } }), want: keep('pod Running') },
    { name: 'running pod without endpoint (ADD in flight): keep', facts: record({ pod: pod() }), want: keep('pod Running') },
    { name: 'pending pod: keep', facts: record({ pod: pod({ phase: 'Pending', hasPodIps: false }) }), want: keep('pod Pending') },
    { name: 'Unknown phase: keep, unsure', facts: record({ pod: pod({ phase: 'Unknown' }) }), want: keep('pod phase Unknown', true) },
    { name: 'running without podIPs, switch off: keep', facts: record({ pod: pod({ hasPodIps: false }) }), want: keep('running pod without status.podIPs (reclaim disabled)') },
    {
      name: 'running without podIPs, switch on: release',
      facts: record({ pod: pod({ hasPodIps: false }) }),
      settings: { runningWithEmptyPodIps: true },
      want: release('running pod without status.podIPs', true),
    },
    {
      name: 'terminating within grace: trace until it ends',
      facts: record({ pod: pod({ deletionTimestampMs: NOW + 10_000, deletionGracePeriodSeconds: 30 }) }),
      want: { action: 'trace', reason: 'pod terminating within grace period', until: NOW + 40_000 },
    },
    {
      name: 'terminating past grace: release',
      facts: record({ pod: pod({ deletionTimestampMs: NOW - 40_000, deletionGracePeriodSeconds: 30 }) }),
      want: release('pod terminating past grace period', true),
    },
    {
      name: 'terminating past grace on a node of unknown state: keep, unsure',
      facts: record({ pod: pod({ deletionTimestampMs: NOW - 40_000, nodeState: 'unknown' }) }),
      want: keep('node state unknown', true),
    },
    {
      name: 'terminating on a not-ready node with that switch off: keep',
      facts: record({ pod: pod({ deletionTimestampMs: NOW - 40_000, nodeState: 'not-ready' }) }),
      settings: { terminatingOnNotReadyNode: false },
      want: keep('reclaim on not-ready nodes disabled'),
    },
    {
      name: 'Job pod Succeeded, past grace: release',
      facts: record({ pod: pod({ phase: 'Succeeded', lastFinishedAtMs: NOW - 31_000 }) }),
      want: release('pod Succeeded past grace period', true),
    },
    {
      name: 'Job pod Succeeded, within grace: trace',
      facts: record({ pod: pod({ phase: 'Succeeded', lastFinishedAtMs: NOW - 1_000 }) }),
      want: { action: 'trace', reason: 'pod Succeeded within grace period', until: NOW + 29_000 },
    },
    {
      name: 'Succeeded StatefulSet pod still a valid replica: keep',
      facts: record({ pod: pod({ phase: 'Succeeded', lastFinishedAtMs: NOW - 60_000, fixedOwner: sts('valid') }) }),
      want: keep('StatefulSet still owns the fixed address'),
    },
    {
      name: 'Failed pod of a scaled-down StatefulSet: release',
      facts: record({ pod: pod({ phase: 'Failed', lastFinishedAtMs: NOW - 60_000, fixedOwner: sts('invalid') }) }),
      want: release('pod Failed past grace period', true),
    },
    {
      name: 'terminating StatefulSet pod that stays a valid replica: keep',
      facts: record({ pod: pod({ deletionTimestampMs: NOW - 60_000, fixedOwner: sts('valid') }) }),
      want: keep('StatefulSet still owns the fixed address'),
    },
    // Settings and malformed input.
    { name: 'gc disabled: keep everything', facts: record({ orphanSinceMs: NOW - 3_600_000 }), settings: { enabled: false }, want: keep('gc disabled') },
    {
      name: 'record without pod UID: keep, unsure',
      facts: record({ record: { pod: 'ns-a/web', podUid: '' } }),
      want: keep('record names no pod UID or namespace/name', true),
    },
  ];

  it.each(cases)('$name', (c) => {
    expect(decideRecord(c.facts, settings(c.settings))).toEqual(c.want);
  });

  it('same-name pod in another namespace is not this record\'s pod: the gatherer passes no pod, the record is judged alone', () => {
    // The caller looks the pod up by the record's namespace/name; a pod "web" in ns-b never
    // reaches the decision for "ns-a/web", and a live "ns-a/web" of the record's UID keeps it.
    const live = decideRecord(record({ pod: pod({ uid: 'uid-a' }) }), settings());
    expect(live).toEqual(keep('pod Running'));
    const elsewhere = decideRecord(record({ record: { pod: 'ns-b/web', podUid: 'uid-b' }, pod: undefined, orphanSinceMs: NOW }), settings());
    expect(elsewhere.action).toBe('trace');
  });
});
