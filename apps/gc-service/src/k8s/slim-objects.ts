// SPDX-License-Identifier: Apache-2.0
// Watch-cache transforms: keep only what GC decides on, so a cache of every pod in the cluster
// costs a fraction of the full objects.
import type { V1Node, V1Pod } from '@kubernetes/client-node';

export function slimPod(pod: V1Pod): V1Pod {
  const m = pod.metadata ?? {};
  return {
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      deletionTimestamp: m.deletionTimestamp,
      deletionGracePeriodSeconds: m.deletionGracePeriodSeconds,
      ownerReferences: m.ownerReferences,
    },
    spec: {
      containers: [],
      nodeName: pod.spec?.nodeName,
      hostNetwork: pod.spec?.hostNetwork,
      restartPolicy: pod.spec?.restartPolicy,
      terminationGracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds,
    },
    status: {
      phase: pod.status?.phase,
      podIP: pod.status?.podIP,
      podIPs: pod.status?.podIPs,
      containerStatuses: pod.status?.containerStatuses?.map((s) => ({ name: s.name, image: '', imageID: '', ready: s.ready, restartCount: s.restartCount, state: s.state })),
      initContainerStatuses: pod.status?.initContainerStatuses?.map((s) => ({ name: s.name, image: '', imageID: '', ready: s.ready, restartCount: s.restartCount, state: s.state })),
    },
  } as V1Pod;
}

export function slimNode(node: V1Node): V1Node {
  return {
    metadata: { name: node.metadata?.name, resourceVersion: node.metadata?.resourceVersion },
    status: { conditions: node.status?.conditions?.filter((c) => c.type === 'Ready') },
  } as V1Node;
}
