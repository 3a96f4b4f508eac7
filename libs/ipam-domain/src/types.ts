// SPDX-License-Identifier: Apache-2.0
/**
 * Plain data the IPAM domain works on. Adapters build these from Kubernetes objects; the domain
 * never sees a client, a cache or a clock it did not get passed.
 */
import type { IpVersion } from './ip/ip-address.ts';

/** A Kubernetes label selector (same shape as V1LabelSelector, without the client type). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface PodFacts {
  namespace: string;
  name: string;
  uid: string;
  nodeName: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The top controller (Pod→ReplicaSet→Deployment, Job→CronJob); kind `Pod` when none. */
  owner: { apiVersion: string; kind: string; name: string; uid: string };
}

export interface NamespaceFacts {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
}

/** What the CNI call for one NIC says (netconf + runtime), as passed to Allocate. */
export interface NicRequest {
  /** CNI_IFNAME, e.g. eth0, net1. */
  nic: string;
  defaultIpv4Pools: string[];
  defaultIpv6Pools: string[];
  cleanGateway: boolean;
  /** The Multus network of this NIC if the caller knows it ("namespace/name"). */
  multusNetwork?: string;
}

/** The pools to try for one NIC, per family, in order (names may still hold wildcards). */
export interface NicPlan {
  nic: string;
  cleanGateway: boolean;
  ipv4: string[];
  ipv6: string[];
  /** Which rule produced the candidates (for logs and errors). */
  source: 'subnet-annotation' | 'ippools-annotation' | 'ippool-annotation' | 'namespace-annotation' | 'netconf' | 'cluster-default';
  /**
   * SpiderSubnet annotations: the subnet of each family whose auto-pool (of the pod's
   * application) the NIC takes from. The allocation path resolves them into `ipv4` / `ipv6`.
   */
  subnets?: { ipv4?: string; ipv6?: string };
}

/** The fields of a SpiderIPPool that selection and filtering look at. */
export interface PoolFacts {
  name: string;
  ipVersion: IpVersion | undefined;
  subnet: string;
  default: boolean;
  disable: boolean;
  terminating: boolean;
  nodeName: string[];
  nodeAffinity?: LabelSelector;
  namespaceName: string[];
  namespaceAffinity?: LabelSelector;
  podAffinity?: LabelSelector;
  multusName: string[];
  /** An auto-created pool (labelled with its owning application). */
  autoPool: boolean;
}

/** Global settings that change selection and allocation (one validated config). */
export interface IpamSettings {
  enableIPv4: boolean;
  enableIPv6: boolean;
  enableStatefulSet: boolean;
  enableKubevirtStaticIP: boolean;
  enableSpiderSubnet: boolean;
  /** SpiderSubnet annotations create pools for applications (upstream enableAutoPoolForApplication). */
  enableAutoPoolForApplication: boolean;
  /** Records allowed in one pool (upstream SPIDERPOOL_IPPOOL_MAX_ALLOCATED_IPS, 5000). */
  maxAllocatedIPsPerPool: number;
  /** Namespace of the Spiderpool installation: Multus names without a namespace resolve here. */
  installNamespace: string;
  /** Multus cluster network ("namespace/name") used for the first NIC when the pod names none. */
  multusClusterNetwork?: string;
}

/** One address record in a pool's `status.allocatedIPs` (keys are upstream-compatible). */
export interface AllocationRecord {
  /** `namespace/name` of the pod. */
  pod: string;
  podUid: string;
  containerID?: string;
  nic?: string;
  node?: string;
  /** For StatefulSet / KubeVirt, the kind owning the fixed IP. */
  ownerKind?: string;
}

export interface RouteSpec {
  dst: string;
  gw: string;
}
