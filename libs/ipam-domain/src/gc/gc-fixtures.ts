// SPDX-License-Identifier: Apache-2.0
// Builders shared by the GC decision tests: defaults describe a healthy running stateless pod.
import { GC_DEFAULTS, type GcPodFacts, type GcSettings, type RecordFacts } from './gc-types.ts';

export const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);

export const settings = (over: Partial<GcSettings> = {}): GcSettings => ({ ...GC_DEFAULTS, orphanRecordGraceMs: 60_000, ...over });

export const pod = (over: Partial<GcPodFacts> = {}): GcPodFacts => ({
  uid: 'uid-a',
  phase: 'Running',
  hostNetwork: false,
  hasPodIps: true,
  nodeState: 'ready',
  terminationGracePeriodSeconds: 30,
  ...over,
});

export const record = (over: Partial<RecordFacts> = {}): RecordFacts => ({
  pool: 'pool-v4',
  ip: '192.0.2.10',
  record: { pod: 'ns-a/web', podUid: 'uid-a', containerID: 'c1', nic: 'eth0', node: 'node-1' },
  now: NOW,
  ...over,
});
