// SPDX-License-Identifier: Apache-2.0

/** What Allocate needs, already validated (see request-validation.ts). */
export interface AllocateInput {
  namespace: string;
  podName: string;
  /** Empty when the runtime did not pass K8S_POD_UID; then the live pod's UID is used. */
  podUid: string;
  containerId: string;
  nic: string;
  node: string;
  defaultIpv4Pools: string[];
  defaultIpv6Pools: string[];
  cleanGateway: boolean;
  multusNetwork: string;
}

export interface AllocatedIp {
  version: 4 | 6;
  /** With prefix length, e.g. 192.0.2.10/24. */
  address: string;
  pool: string;
  gateway: string;
  nic: string;
  vlan: number;
}

export interface AllocatedRoute {
  nic: string;
  dst: string;
  gw: string;
}

export interface AllocateOutput {
  ips: AllocatedIp[];
  routes: AllocatedRoute[];
}
