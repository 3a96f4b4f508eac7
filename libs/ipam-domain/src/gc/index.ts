// SPDX-License-Identifier: Apache-2.0
export { GC_DEFAULTS } from './gc-types.ts';
export type { FixedOwnerFacts, GcDecision, GcEndpointFacts, GcPodFacts, GcSettings, NodeState, OwnerValidity, RecordFacts } from './gc-types.ts';
export { fixedOwnerHold, nodeGate, traceDeadline, type PodEvent, type TraceDeadline } from './trace-deadline.ts';
export { decideRecord } from './record-decision.ts';
export { decideEndpoint, type EndpointDecision, type EndpointFacts } from './endpoint-decision.ts';
