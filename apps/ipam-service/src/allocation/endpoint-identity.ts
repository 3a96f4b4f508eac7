// SPDX-License-Identifier: Apache-2.0
import type { IpamSettings, PodFacts } from '@spiderpool/ipam-domain';
import type { AllocatedIp } from './allocation-types.ts';
import type { EndpointObject, EndpointOwner } from './endpoint-store.ts';

export interface EndpointIdentity {
  owner: EndpointOwner;
  /** StatefulSet or KubeVirt: the address outlives the pod and follows its successor. */
  fixed: boolean;
  /**
   * The `pod` key of this pod's pool records: `namespace/name` of the pod, or of the VM for
   * KubeVirt (as upstream), so that the next launcher pod, with another name, may take them over.
   */
  recordPod: string;
}

/**
 * Which SpiderEndpoint records this pod's addresses. KubeVirt pods (virt-launcher, new name
 * per VM start) are keyed by the VM; StatefulSet pods by their stable name; both without an
 * owner reference so the endpoint survives the pod.
 */
export function endpointIdentity(pod: PodFacts, node: string, settings: IpamSettings): EndpointIdentity {
  const kubevirt = pod.owner.kind === 'VirtualMachineInstance' && settings.enableKubevirtStaticIP;
  const statefulSet = pod.owner.kind === 'StatefulSet' && settings.enableStatefulSet;
  return {
    fixed: kubevirt || statefulSet,
    recordPod: `${pod.namespace}/${kubevirt ? pod.owner.name : pod.name}`,
    owner: {
      namespace: pod.namespace,
      name: kubevirt ? pod.owner.name : pod.name,
      podUid: pod.uid,
      podName: pod.name,
      node,
      ownerKind: pod.owner.kind,
      ownerName: pod.owner.name,
      ownedByPod: !(kubevirt || statefulSet),
    },
  };
}

/** Every NIC's addresses recorded in an endpoint, in the RPC's shape. */
export function endpointToOutput(endpoint: EndpointObject): AllocatedIp[] {
  return (endpoint.status?.current.ips ?? []).flatMap((nic) => {
    const out: AllocatedIp[] = [];
    if (nic.ipv4) out.push({ version: 4, address: nic.ipv4, pool: nic.ipv4Pool ?? '', gateway: nic.ipv4Gateway ?? '', nic: nic.interface, vlan: nic.vlan ?? 0 });
    if (nic.ipv6) out.push({ version: 6, address: nic.ipv6, pool: nic.ipv6Pool ?? '', gateway: nic.ipv6Gateway ?? '', nic: nic.interface, vlan: nic.vlan ?? 0 });
    return out;
  });
}
