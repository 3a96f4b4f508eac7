// SPDX-License-Identifier: Apache-2.0
/**
 * The other half of the two-record reconciliation: a SpiderEndpoint that no pool record backs
 * any more (the records were released, or a crash lost them). It is deleted only when its pod
 * incarnation is certainly gone and no fixed-IP owner keeps it.
 */
import type { GcEndpointFacts, GcPodFacts, GcSettings } from './gc-types.ts';
import { fixedOwnerHold } from './trace-deadline.ts';

export interface EndpointFacts {
  endpoint: GcEndpointFacts;
  /** Whether any pool still records an address for the endpoint's pod UID. */
  hasPoolRecords: boolean;
  /** The pod under the endpoint's namespace/name, absent when none. */
  pod?: GcPodFacts;
}

export type EndpointDecision = { action: 'keep'; reason: string } | { action: 'delete'; reason: string };

export function decideEndpoint(facts: EndpointFacts, settings: GcSettings): EndpointDecision {
  if (!settings.enabled) return { action: 'keep', reason: 'gc disabled' };
  if (!facts.endpoint.uid) return { action: 'keep', reason: 'endpoint names no pod UID' };
  if (facts.hasPoolRecords) return { action: 'keep', reason: 'pool records back the endpoint' };
  const hold = fixedOwnerHold(facts.endpoint);
  if (hold) return { action: 'keep', reason: hold };
  if (facts.pod?.uid === facts.endpoint.uid) return { action: 'keep', reason: 'pod of the endpoint still exists' };
  return { action: 'delete', reason: facts.pod ? 'endpoint of a replaced pod UID without pool records' : 'endpoint of a gone pod without pool records' };
}
