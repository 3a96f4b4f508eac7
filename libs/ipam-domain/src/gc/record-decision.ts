// SPDX-License-Identifier: Apache-2.0
/**
 * Scan-all (§5.1 of the behaviour reference): what to do with one pool record, given the pod
 * and SpiderEndpoint currently under its namespace/name. Identity is the pod UID: a pod or an
 * endpoint under the same name but another UID is another incarnation, never the record's owner.
 * Every doubt keeps the record.
 */
import type { GcDecision, GcEndpointFacts, GcPodFacts, GcSettings, RecordFacts } from './gc-types.ts';
import { fixedOwnerHold, traceDeadline } from './trace-deadline.ts';

const keep = (reason: string, unsure = false): GcDecision => ({ action: 'keep', reason, unsure });
const release = (reason: string, deleteEndpoint: boolean): GcDecision => ({ action: 'release', reason, deleteEndpoint });

/** The decision for one record; `reason` is stable text for logs and metrics. */
export function decideRecord(facts: RecordFacts, settings: GcSettings): GcDecision {
  if (!settings.enabled) return keep('gc disabled');
  if (!facts.record.podUid || !facts.record.pod.includes('/')) return keep('record names no pod UID or namespace/name', true);
  const ownEndpoint = facts.endpoint?.uid === facts.record.podUid ? facts.endpoint : undefined;
  if (!facts.pod) return podGone(facts, ownEndpoint, settings);
  if (facts.pod.uid !== facts.record.podUid) return podReplaced(facts.pod, ownEndpoint);
  return samePod(facts.pod, settings, facts.now);
}

/** No pod under the name: the record's pod is gone unless its fixed-IP owner keeps the name. */
function podGone(facts: RecordFacts, own: GcEndpointFacts | undefined, settings: GcSettings): GcDecision {
  if (own) {
    const hold = fixedOwnerHold(own);
    if (hold) return keep(hold, own.fixedOwner?.validity === 'unknown');
    return release('pod gone', true);
  }
  const hold = facts.recordOwner ? fixedOwnerHold({ fixedOwner: facts.recordOwner }) : undefined;
  if (hold) return keep(hold, facts.recordOwner?.validity === 'unknown');
  if (facts.endpoint) return release('pod gone; endpoint belongs to another pod UID', false);
  // Neither half but the pool record: a crash between the two writes, or an ADD in flight that
  // a lagging cache hides. Only an orphan older than the grace window goes.
  const since = facts.orphanSinceMs ?? facts.now;
  const until = since + settings.orphanRecordGraceMs;
  if (facts.now < until) return { action: 'trace', reason: 'orphan record within grace window', until };
  return release('pod and endpoint gone', false);
}

/**
 * Another pod (another UID) has the name. A stateless record is stale. A fixed-IP record waits
 * for the new incarnation's ADD to take the address over, unless the owner no longer keeps the
 * replica or the new pod already got its addresses elsewhere.
 */
function podReplaced(pod: GcPodFacts, own: GcEndpointFacts | undefined): GcDecision {
  const owner = pod.fixedOwner ?? own?.fixedOwner;
  if (!owner || owner.validity === 'invalid') return release('pod UID changed', own !== undefined);
  if (pod.hasPodIps) return release('pod UID changed; new incarnation already has addresses', own !== undefined);
  if (owner.validity === 'unknown') return keep(`${owner.kind} validity unknown`, true);
  return keep(`${owner.kind} replica recreated; address awaits take-over`);
}

/** The record's own pod is there: its lifecycle decides, through the same rules as tracing. */
function samePod(pod: GcPodFacts, settings: GcSettings, now: number): GcDecision {
  if (pod.deletionTimestampMs !== undefined || pod.phase === 'Succeeded' || pod.phase === 'Failed') {
    const due = traceDeadline(pod, 'updated', settings, now);
    if (due.at === undefined) return keep(due.reason, pod.nodeState === 'unknown' || pod.fixedOwner?.validity === 'unknown');
    if (now < due.at) return { action: 'trace', reason: `${due.reason} within grace period`, until: due.at };
    return release(`${due.reason} past grace period`, true);
  }
  if (pod.phase === 'Running' && !pod.hasPodIps) {
    return settings.runningWithEmptyPodIps ? release('running pod without status.podIPs', true) : keep('running pod without status.podIPs (reclaim disabled)');
  }
  if (pod.phase === 'Running' || pod.phase === 'Pending') return keep(`pod ${pod.phase}`);
  return keep(`pod phase ${pod.phase || 'unset'}`, true);
}
