// SPDX-License-Identifier: Apache-2.0
/**
 * How many addresses an application's auto-created pool holds: the `ippool-ip-number`
 * annotation (`N` fixed, `+N` = replicas + N), the `ippool-reclaim` annotation, and the replica
 * count of the owning workload. Pure: every caller (the subnet controller, the allocation path)
 * computes the same size from the same inputs — upstream's controller and agent did not (the
 * agent assumed `+0` without the annotation, the controller used a cluster default).
 */
import { Annotations } from '@spiderpool/crds/keys';
import { invalidInput } from '@spiderpool/errors';

export type IpNumber = { kind: 'fixed'; count: number } | { kind: 'relative'; extra: number };

/** Upper bound of a pool's size from an annotation: a typo must not reserve a subnet. */
export const MAX_AUTO_POOL_IPS = 65_536;

/** `N` or `+N`, N a whole number (fixed: at least 1); undefined when the annotation is absent. */
export function parseIpNumber(text: string | undefined): IpNumber | undefined {
  if (text === undefined) return undefined;
  const m = /^(\+?)(\d{1,6})$/.exec(text.trim());
  const key = `annotation ${Annotations.IPPOOL_IP_NUMBER}`;
  if (!m) throw invalidInput(key, text, 'must be a whole number N (a fixed size) or +N (replicas plus N)');
  const n = Number(m[2]);
  if (n > MAX_AUTO_POOL_IPS) throw invalidInput(key, text, `must not exceed ${MAX_AUTO_POOL_IPS}`);
  if (m[1] === '+') return { kind: 'relative', extra: n };
  if (n === 0) throw invalidInput(key, text, 'a fixed size must be at least 1');
  return { kind: 'fixed', count: n };
}

/** `true` (the default) or `false`. */
export function parseReclaim(text: string | undefined): boolean {
  if (text === undefined) return true;
  const value = text.trim();
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalidInput(`annotation ${Annotations.IPPOOL_RECLAIM}`, text, 'must be "true" or "false"');
}

export interface SizeInput {
  ipNumber: IpNumber | undefined;
  replicas: number;
  /** The cluster's default `+N` when the annotation is absent. */
  defaultExtra: number;
  /**
   * Controllers outside core/apps/batch: their replica count is unknown, so the annotation must
   * give the size, and `+N` means N.
   */
  thirdParty: boolean;
}

/** The number of addresses the pool must hold. */
export function desiredIpCount(input: SizeInput): number {
  const { ipNumber } = input;
  if (input.thirdParty) {
    if (!ipNumber) throw invalidInput(`annotation ${Annotations.IPPOOL_IP_NUMBER}`, undefined, 'is required for an application of a third-party controller (its replica count is unknown)');
    return Math.max(1, ipNumber.kind === 'fixed' ? ipNumber.count : ipNumber.extra);
  }
  if (ipNumber?.kind === 'fixed') return ipNumber.count;
  const extra = ipNumber?.kind === 'relative' ? ipNumber.extra : input.defaultExtra;
  return Math.max(1, input.replicas + extra);
}

/** The workload fields replica counts come from (a subset of the API objects). */
export interface WorkloadShape {
  kind: string;
  spec?: {
    replicas?: number;
    parallelism?: number;
    completions?: number;
    jobTemplate?: { spec?: { parallelism?: number; completions?: number } };
  };
  status?: { desiredNumberScheduled?: number };
}

/**
 * Pods the workload runs at once: Deployment, ReplicaSet, StatefulSet `spec.replicas` (1 when
 * unset, as the API defaults it); DaemonSet `status.desiredNumberScheduled`; Job and CronJob the
 * larger of parallelism and completions, at least 1. Undefined for other kinds.
 */
export function workloadReplicas(w: WorkloadShape): number | undefined {
  switch (w.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet':
      return nonNegative(w.spec?.replicas, 1);
    case 'DaemonSet':
      return nonNegative(w.status?.desiredNumberScheduled, 0);
    case 'Job':
      return jobPods(w.spec);
    case 'CronJob':
      return jobPods(w.spec?.jobTemplate?.spec);
    default:
      return undefined;
  }
}

function jobPods(spec: { parallelism?: number; completions?: number } | undefined): number {
  return Math.max(1, nonNegative(spec?.parallelism, 1), nonNegative(spec?.completions, 1));
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
}
