// SPDX-License-Identifier: Apache-2.0
/**
 * Whether a workload still owns its IPs: pod liveness (CNI ADD refuses dead pods, CNI DEL keeps
 * the IPs of live ones), StatefulSet replica validity and KubeVirt VM validity (fixed IPs are
 * kept while these hold).
 */

export interface PodLiveness {
  /** `status.phase`: Pending, Running, Succeeded, Failed, Unknown. */
  phase?: string;
  /** `metadata.deletionTimestamp` (or just whether it is set); any value means terminating. */
  deletionTimestamp?: string | Date | boolean | null;
  /** `spec.restartPolicy`: Always (the Kubernetes default), OnFailure or Never. */
  restartPolicy?: string;
  /** `status.reason`, e.g. `Evicted`. */
  reason?: string;
}

/**
 * False when the pod will never run its containers again: it is terminating, it Succeeded and
 * will not be restarted (restartPolicy ≠ Always), it Failed with restartPolicy Never, or it was
 * Evicted.
 */
export function isPodAlive(pod: PodLiveness): boolean {
  if (pod.deletionTimestamp) return false;
  const restartPolicy = pod.restartPolicy ?? 'Always';
  if (pod.phase === 'Succeeded' && restartPolicy !== 'Always') return false;
  if (pod.phase === 'Failed' && (restartPolicy === 'Never' || pod.reason === 'Evicted')) return false;
  return true;
}

const ORDINAL = /^(0|[1-9]\d*)$/;

/**
 * The ordinal of a StatefulSet pod (`web-3` of `web` → 3), or undefined when the pod name is not
 * `<stsName>-<ordinal>`. Only canonical decimals count (`web-03` is not a replica name the
 * StatefulSet controller would create).
 */
export function statefulSetOrdinal(podName: string, stsName: string): number | undefined {
  const prefix = `${stsName}-`;
  if (stsName === '' || !podName.startsWith(prefix)) return undefined;
  const digits = podName.slice(prefix.length);
  if (!ORDINAL.test(digits)) return undefined;
  const ordinal = Number(digits);
  return Number.isSafeInteger(ordinal) ? ordinal : undefined;
}

export interface StatefulSetReplicaOptions {
  podName: string;
  stsName: string;
  /** `spec.replicas`; Kubernetes defaults it to 1. */
  replicas?: number;
  /** `spec.ordinals.start`; defaults to 0. */
  ordinalsStart?: number;
}

/** True when the pod is one of the StatefulSet's current replicas: start ≤ ordinal < start + replicas. */
export function isValidStatefulSetReplica(o: StatefulSetReplicaOptions): boolean {
  const ordinal = statefulSetOrdinal(o.podName, o.stsName);
  if (ordinal === undefined) return false;
  const start = o.ordinalsStart ?? 0;
  const replicas = o.replicas ?? 1;
  return start <= ordinal && ordinal < start + replicas;
}

export interface KubevirtVmState {
  vmiExists: boolean;
  vmiTerminating: boolean;
  vmExists: boolean;
  vmTerminating: boolean;
}

/** A KubeVirt VM keeps its fixed IPs while its VMI is alive, or while the VM exists and is not terminating. */
export function isKubevirtVmValid(s: KubevirtVmState): boolean {
  return (s.vmiExists && !s.vmiTerminating) || (s.vmExists && !s.vmTerminating);
}
