// SPDX-License-Identifier: Apache-2.0
/**
 * Tracing (§5.1 of the behaviour reference): from one observation of a pod, the instant after
 * which its addresses may be reclaimed, or why they may not be (yet). The caller re-validates
 * against the live API when the instant comes; this only says when to look.
 */
import type { GcPodFacts, GcSettings } from './gc-types.ts';

export type PodEvent = 'deleted' | 'updated';

export type TraceDeadline = { at: number; reason: string } | { at: undefined; reason: string };

/** Kubernetes' default for `spec.terminationGracePeriodSeconds`. */
const DEFAULT_TERMINATION_GRACE_S = 30;

const none = (reason: string): TraceDeadline => ({ at: undefined, reason });

/**
 * When the addresses of `pod` may go, given the event that showed it. A deleted pod is due after
 * the additional delay; a terminating one after its deletion grace; a finished one after its
 * termination grace counted from its last container's end. Host-network pods hold no pool
 * address; fixed-IP owners that are valid (or not known to be invalid) keep theirs.
 */
export function traceDeadline(pod: GcPodFacts, event: PodEvent, settings: GcSettings, now: number): TraceDeadline {
  if (pod.hostNetwork) return none('host-network pod holds no pool address');
  const owner = fixedOwnerHold(pod);
  if (owner) return none(owner);
  const delay = settings.additionalGraceDelayMs;
  if (event === 'deleted') return { at: now + delay, reason: 'pod deleted' };
  if (pod.deletionTimestampMs !== undefined) {
    const gate = nodeGate(pod, settings);
    if (gate) return none(gate);
    const grace = (pod.deletionGracePeriodSeconds ?? 0) * 1000;
    return { at: pod.deletionTimestampMs + grace + delay, reason: 'pod terminating' };
  }
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') {
    const gate = nodeGate(pod, settings);
    if (gate) return none(gate);
    // Without a finishedAt (status not reported yet) the observation time is a safe lower bound.
    const finished = pod.lastFinishedAtMs ?? now;
    const grace = (pod.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_S) * 1000;
    return { at: finished + grace + delay, reason: `pod ${pod.phase}` };
  }
  return none(`pod ${pod.phase || 'phase unset'} keeps its addresses`);
}

/**
 * Why a fixed-IP owner keeps the pod's addresses, or undefined when it does not. Reasons are
 * stable texts (no object names) so that metrics can label by them.
 */
export function fixedOwnerHold(pod: { fixedOwner?: GcPodFacts['fixedOwner'] }): string | undefined {
  const owner = pod.fixedOwner;
  if (!owner) return undefined;
  if (owner.validity === 'valid') return `${owner.kind} still owns the fixed address`;
  if (owner.validity === 'unknown') return `${owner.kind} validity unknown`;
  return undefined;
}

/**
 * The node-state switches for stateless terminating/finished pods: an unknown node state keeps
 * (the node may come back and the pod with it). Undefined when the gate is open.
 */
export function nodeGate(pod: GcPodFacts, settings: GcSettings): string | undefined {
  if (pod.nodeState === 'unknown') return 'node state unknown';
  if (pod.nodeState === 'ready' && !settings.terminatingOnReadyNode) return 'reclaim on ready nodes disabled';
  if (pod.nodeState === 'not-ready' && !settings.terminatingOnNotReadyNode) return 'reclaim on not-ready nodes disabled';
  return undefined;
}
