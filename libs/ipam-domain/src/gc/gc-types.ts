// SPDX-License-Identifier: Apache-2.0
/**
 * The facts GC decides on, already reduced from Kubernetes objects to plain values: the
 * decisions in this folder never see an API object and never do I/O.
 */
import type { AllocationRecord } from '../types.ts';

/** The switches and durations that shape GC decisions (upstream's SPIDERPOOL_GC_* settings). */
export interface GcSettings {
  /** SPIDERPOOL_GC_IP_ENABLED: when false, nothing is ever released. */
  enabled: boolean;
  /** SPIDERPOOL_GC_STATELESS_TERMINATING_POD_ON_READY_NODE_ENABLED. */
  terminatingOnReadyNode: boolean;
  /** SPIDERPOOL_GC_STATELESS_TERMINATING_POD_ON_NOT_READY_NODE_ENABLED. */
  terminatingOnNotReadyNode: boolean;
  /** SPIDERPOOL_GC_ENABLE_STATELESS_RUNNING_POD_ON_EMPTY_POD_STATUS_IPS. */
  runningWithEmptyPodIps: boolean;
  /** SPIDERPOOL_GC_ADDITIONAL_GRACE_DELAY, in milliseconds. */
  additionalGraceDelayMs: number;
  /**
   * How long a pool record whose pod and SpiderEndpoint are both missing stays before it is
   * released: the pool is written before the endpoint, so a young orphan may be an ADD in flight
   * read through a lagging cache.
   */
  orphanRecordGraceMs: number;
}

/** Upstream's defaults (SPIDERPOOL_GC_*), plus a two-minute orphan-record grace window. */
export const GC_DEFAULTS: Readonly<GcSettings> = {
  enabled: true,
  terminatingOnReadyNode: true,
  terminatingOnNotReadyNode: true,
  runningWithEmptyPodIps: false,
  additionalGraceDelayMs: 0,
  orphanRecordGraceMs: 120_000,
};

/** A node's Ready condition; `unknown` when the node is missing or reports no verdict. */
export type NodeState = 'ready' | 'not-ready' | 'unknown';

/** Whether a fixed-IP owner (StatefulSet replica, KubeVirt VM) still holds the address. */
export type OwnerValidity = 'valid' | 'invalid' | 'unknown';

export interface FixedOwnerFacts {
  kind: 'StatefulSet' | 'KubeVirt';
  name: string;
  validity: OwnerValidity;
}

/** One pod as GC sees it (times in epoch milliseconds). */
export interface GcPodFacts {
  uid: string;
  /** `status.phase`; empty when unset. */
  phase: string;
  hostNetwork: boolean;
  /** `metadata.deletionTimestamp`; set means terminating. */
  deletionTimestampMs?: number;
  /** `metadata.deletionGracePeriodSeconds`. */
  deletionGracePeriodSeconds?: number;
  /** `spec.terminationGracePeriodSeconds`; Kubernetes defaults it to 30. */
  terminationGracePeriodSeconds?: number;
  /** Latest `finishedAt` over the container statuses, when any container terminated. */
  lastFinishedAtMs?: number;
  /** Whether `status.podIPs` lists any address. */
  hasPodIps: boolean;
  nodeState: NodeState;
  /** Present when the pod has a fixed-IP owner (and that feature is enabled). */
  fixedOwner?: FixedOwnerFacts;
}

/** A SpiderEndpoint as GC sees it. */
export interface GcEndpointFacts {
  /** `status.current.uid`: the pod incarnation the endpoint describes. */
  uid: string;
  /** Present when the endpoint names a fixed-IP owner (and that feature is enabled). */
  fixedOwner?: FixedOwnerFacts;
}

/** One pool record and everything gathered about it. */
export interface RecordFacts {
  pool: string;
  ip: string;
  record: AllocationRecord;
  /** The pod currently under the record's namespace/name (any UID), absent when none. */
  pod?: GcPodFacts;
  /** The SpiderEndpoint under the record's namespace/name, absent when none. */
  endpoint?: GcEndpointFacts;
  /**
   * The fixed-IP owner the record itself names (`ownerKind`), judged when neither pod nor
   * endpoint says more: a KubeVirt record is keyed by the VM, whose launcher pods have other names.
   */
  recordOwner?: FixedOwnerFacts;
  /** When GC first saw this record with neither pod nor endpoint; undefined = just now. */
  orphanSinceMs?: number;
  now: number;
}

/**
 * keep: leave the record (unsure = kept only because a fact was missing);
 * release: free the record (and delete the endpoint when it describes the same pod UID);
 * trace: look again at `until` (grace period still running).
 */
export type GcDecision =
  | { action: 'keep'; reason: string; unsure: boolean }
  | { action: 'release'; reason: string; deleteEndpoint: boolean }
  | { action: 'trace'; reason: string; until: number };
