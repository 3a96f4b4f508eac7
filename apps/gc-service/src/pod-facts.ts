// SPDX-License-Identifier: Apache-2.0
// Kubernetes objects → the plain facts the GC decisions take.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { SpiderEndpoint } from '@spiderpool/crds';
import type { GcPodFacts, NodeState } from '@spiderpool/ipam-domain';

const ms = (t: Date | string | undefined): number | undefined => (t === undefined ? undefined : new Date(t).getTime());

/** Ready / not-ready from the Ready condition; unknown without a node or a True/False verdict. */
export function nodeStateOf(node: V1Node | undefined): NodeState {
  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return 'ready';
  if (ready?.status === 'False') return 'not-ready';
  return 'unknown';
}

/** Latest `finishedAt` over every terminated container (init containers included). */
function lastFinishedAt(pod: V1Pod): number | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const times = statuses.map((s) => ms(s.state?.terminated?.finishedAt)).filter((t): t is number => t !== undefined && !Number.isNaN(t));
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** The pod's facts without its fixed-IP owner (added by the gatherer after a look-up). */
export function podFactsOf(pod: V1Pod, nodeState: NodeState): GcPodFacts {
  const facts: GcPodFacts = {
    uid: pod.metadata?.uid ?? '',
    phase: pod.status?.phase ?? '',
    hostNetwork: pod.spec?.hostNetwork === true,
    hasPodIps: (pod.status?.podIPs ?? []).length > 0 || Boolean(pod.status?.podIP),
    nodeState,
  };
  const deletion = ms(pod.metadata?.deletionTimestamp);
  if (deletion !== undefined) facts.deletionTimestampMs = deletion;
  if (pod.metadata?.deletionGracePeriodSeconds !== undefined) facts.deletionGracePeriodSeconds = pod.metadata.deletionGracePeriodSeconds;
  if (pod.spec?.terminationGracePeriodSeconds !== undefined) facts.terminationGracePeriodSeconds = pod.spec.terminationGracePeriodSeconds;
  const finished = lastFinishedAt(pod);
  if (finished !== undefined) facts.lastFinishedAtMs = finished;
  return facts;
}

/** The controller owner of a pod, when it is one whose pods keep fixed IPs. */
export function podFixedOwner(pod: V1Pod): { kind: 'StatefulSet' | 'KubeVirt'; name: string } | undefined {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (owner?.kind === 'StatefulSet') return { kind: 'StatefulSet', name: owner.name };
  if (owner?.kind === 'VirtualMachineInstance') return { kind: 'KubeVirt', name: owner.name };
  return undefined;
}

/** The fixed-IP owner an endpoint names. */
export function endpointFixedOwner(endpoint: SpiderEndpoint): { kind: 'StatefulSet' | 'KubeVirt'; name: string } | undefined {
  const type = endpoint.status?.ownerControllerType;
  const name = endpoint.status?.ownerControllerName ?? '';
  if (type === 'StatefulSet') return { kind: 'StatefulSet', name };
  if (type === 'VirtualMachineInstance' || type === 'VirtualMachine') return { kind: 'KubeVirt', name };
  return undefined;
}
