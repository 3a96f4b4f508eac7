// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { NOW, pod, settings } from './gc-fixtures.ts';
import type { GcPodFacts, GcSettings } from './gc-types.ts';
import { traceDeadline, type PodEvent } from './trace-deadline.ts';

const sts = (validity: 'valid' | 'invalid' | 'unknown'): GcPodFacts['fixedOwner'] => ({ kind: 'StatefulSet', name: 'db', validity });

describe('traceDeadline', () => {
  const cases: Array<{ name: string; pod: GcPodFacts; event: PodEvent; settings?: Partial<GcSettings>; at: number | undefined; reason: string }> = [
    { name: 'deleted pod: now plus the additional delay', pod: pod(), event: 'deleted', settings: { additionalGraceDelayMs: 5_000 }, at: NOW + 5_000, reason: 'pod deleted' },
    { name: 'deleted pod on an unknown node is still due (it is gone)', pod: pod({ nodeState: 'unknown' }), event: 'deleted', at: NOW, reason: 'pod deleted' },
    { name: 'host-network pod: never', pod: pod({ hostNetwork: true, deletionTimestampMs: NOW }), event: 'deleted', at: undefined, reason: 'host-network pod holds no pool address' },
    { name: 'deleted StatefulSet pod that is a valid replica: never', pod: pod({ fixedOwner: sts('valid') }), event: 'deleted', at: undefined, reason: 'StatefulSet still owns the fixed address' },
    { name: 'deleted StatefulSet pod with unknown validity: never', pod: pod({ fixedOwner: sts('unknown') }), event: 'deleted', at: undefined, reason: 'StatefulSet validity unknown' },
    { name: 'deleted pod of a scaled-down StatefulSet: due', pod: pod({ fixedOwner: sts('invalid') }), event: 'deleted', at: NOW, reason: 'pod deleted' },
    {
      name: 'terminating: deletionTimestamp + deletionGracePeriodSeconds + delay',
      pod: pod({ deletionTimestampMs: NOW + 30_000, deletionGracePeriodSeconds: 30 }),
      event: 'updated',
      settings: { additionalGraceDelayMs: 2_000 },
      at: NOW + 62_000,
      reason: 'pod terminating',
    },
    { name: 'terminating on a ready node with that switch off: never', pod: pod({ deletionTimestampMs: NOW }), event: 'updated', settings: { terminatingOnReadyNode: false }, at: undefined, reason: 'reclaim on ready nodes disabled' },
    { name: 'terminating on a not-ready node with that switch off: never', pod: pod({ deletionTimestampMs: NOW, nodeState: 'not-ready' }), event: 'updated', settings: { terminatingOnNotReadyNode: false }, at: undefined, reason: 'reclaim on not-ready nodes disabled' },
    { name: 'terminating on a not-ready node: due', pod: pod({ deletionTimestampMs: NOW, nodeState: 'not-ready' }), event: 'updated', at: NOW, reason: 'pod terminating' },
    { name: 'terminating on a node of unknown state: never', pod: pod({ deletionTimestampMs: NOW, nodeState: 'unknown' }), event: 'updated', at: undefined, reason: 'node state unknown' },
    { name: 'Job pod Succeeded: finishedAt + terminationGracePeriodSeconds', pod: pod({ phase: 'Succeeded', lastFinishedAtMs: NOW - 10_000, terminationGracePeriodSeconds: 30 }), event: 'updated', at: NOW + 20_000, reason: 'pod Succeeded' },
    { name: 'Failed pod without finishedAt counts from the observation, default grace 30 s', pod: pod({ phase: 'Failed', terminationGracePeriodSeconds: undefined }), event: 'updated', at: NOW + 30_000, reason: 'pod Failed' },
    { name: 'Succeeded StatefulSet pod still a valid replica: never', pod: pod({ phase: 'Succeeded', fixedOwner: sts('valid') }), event: 'updated', at: undefined, reason: 'StatefulSet still owns the fixed address' },
    { name: 'Running: never', pod: pod(), event: 'updated', at: undefined, reason: 'pod Running keeps its addresses' },
    { name: 'Unknown phase: never', pod: pod({ phase: 'Unknown' }), event: 'updated', at: undefined, reason: 'pod Unknown keeps its addresses' },
    { name: 'Pending: never', pod: pod({ phase: 'Pending' }), event: 'updated', at: undefined, reason: 'pod Pending keeps its addresses' },
  ];

  it.each(cases)('$name', (c) => {
    expect(traceDeadline(c.pod, c.event, settings(c.settings), NOW)).toEqual({ at: c.at, reason: c.reason });
  });
});
