// SPDX-License-Identifier: Apache-2.0
import type { AllocationRecord } from '@spiderpool/ipam-domain';

/** Take the lowest free address (or the one this pod UID + NIC already holds). */
export interface AllocateOp {
  kind: 'allocate';
  record: AllocationRecord & { nic: string };
}

/** Remove this pod UID's records (optionally only these IPs / this NIC): the ownership guard. */
export interface ReleaseOp {
  kind: 'release';
  podUid: string;
  ips?: string[];
  nic?: string;
}

/**
 * Move a fixed IP (StatefulSet / KubeVirt) to the pod's new UID. Refused when the record now
 * belongs to another pod name ("data broken" upstream): a fixed IP never changes hands.
 */
export interface RehomeOp {
  kind: 'rehome';
  ip: string;
  record: AllocationRecord & { nic: string };
}

export type PoolOp = AllocateOp | ReleaseOp | RehomeOp;

export type AllocateResult = { ip: string } | { exhausted: string };
export type ReleaseResult = { released: string[] };
export type RehomeResult = { ok: true } | { ok: false; reason: string };
export type PoolOpResult = AllocateResult | ReleaseResult | RehomeResult;
