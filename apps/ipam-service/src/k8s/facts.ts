// SPDX-License-Identifier: Apache-2.0
// Kubernetes objects → the plain facts the domain decides on.
import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';
import { Labels, type SpiderIPPool } from '@spiderpool/crds';
import type { LabelSelector, NamespaceFacts, NodeFacts, PodFacts, PoolFacts } from '@spiderpool/ipam-domain';

export function podFacts(pod: V1Pod, owner: PodFacts['owner']): PodFacts {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? '',
    nodeName: pod.spec?.nodeName ?? '',
    labels: pod.metadata?.labels ?? {},
    annotations: pod.metadata?.annotations ?? {},
    owner,
  };
}

export function namespaceFacts(ns: V1Namespace | undefined, name: string): NamespaceFacts {
  return { name, labels: ns?.metadata?.labels ?? {}, annotations: ns?.metadata?.annotations ?? {} };
}

export function nodeFacts(node: V1Node | undefined, name: string): NodeFacts {
  return { name, labels: node?.metadata?.labels ?? {} };
}

export function poolFacts(pool: SpiderIPPool): PoolFacts {
  const spec = pool.spec;
  const version = spec.ipVersion ?? (spec.subnet.includes(':') ? 6 : 4);
  return {
    name: pool.metadata?.name ?? '',
    ipVersion: version,
    subnet: spec.subnet,
    default: spec.default ?? false,
    disable: spec.disable ?? false,
    terminating: Boolean(pool.metadata?.deletionTimestamp),
    nodeName: spec.nodeName ?? [],
    namespaceName: spec.namespaceName ?? [],
    multusName: spec.multusName ?? [],
    autoPool: Boolean(pool.metadata?.labels?.[Labels.OWNER_APPLICATION_UID]),
    ...(spec.nodeAffinity ? { nodeAffinity: spec.nodeAffinity as LabelSelector } : {}),
    ...(spec.namespaceAffinity ? { namespaceAffinity: spec.namespaceAffinity as LabelSelector } : {}),
    ...(spec.podAffinity ? { podAffinity: spec.podAffinity as LabelSelector } : {}),
  };
}

/** Upstream's alive rules (§4.1): a pod being deleted or finished takes no new addresses. */
export function podLifecycle(pod: V1Pod): { phase: string; deletionTimestamp: boolean; restartPolicy: string; reason: string } {
  return {
    phase: pod.status?.phase ?? '',
    deletionTimestamp: Boolean(pod.metadata?.deletionTimestamp),
    restartPolicy: pod.spec?.restartPolicy ?? 'Always',
    reason: pod.status?.reason ?? '',
  };
}
