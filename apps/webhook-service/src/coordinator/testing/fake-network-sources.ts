// SPDX-License-Identifier: Apache-2.0
// In-memory ClusterNetworkSources: each source is present (a value) or absent (undefined, read
// as `missing`), and any source can be made to fail like an unreachable API server.
import { SpiderpoolError } from '@spiderpool/errors';
import type { CalicoIPPool } from '../calico-pools.ts';
import { found, missing, type ClusterNetworkSources, type ControlPlaneComponent, type ServiceCIDRObject, type Sourced } from '../network-sources.ts';

export interface FakeNetworkState {
  kubeadm?: string;
  commandLines?: Partial<Record<ControlPlaneComponent, string[][]>>;
  calicoPools?: CalicoIPPool[];
  cilium?: Record<string, string>;
  serviceCIDRs?: ServiceCIDRObject[];
  /** Sources whose read throws UNAVAILABLE. */
  failing?: Set<keyof ClusterNetworkSources>;
}

export interface FakeNetworkSources extends ClusterNetworkSources {
  state: FakeNetworkState;
  /** Reads per source, to prove that a pass reads each source once. */
  reads: Map<string, number>;
}

export function fakeNetworkSources(state: FakeNetworkState = {}): FakeNetworkSources {
  const reads = new Map<string, number>();
  const answer = async <T>(source: keyof ClusterNetworkSources, value: T | undefined, absent: string): Promise<Sourced<T>> => {
    reads.set(source, (reads.get(source) ?? 0) + 1);
    if (fake.state.failing?.has(source)) throw new SpiderpoolError('UNAVAILABLE', `fake ${source}: connection refused`);
    return value === undefined ? missing(absent) : found(structuredClone(value));
  };
  const fake: FakeNetworkSources = {
    state,
    reads,
    kubeadmClusterConfiguration: () => answer('kubeadmClusterConfiguration', fake.state.kubeadm, 'ConfigMap kube-system/kubeadm-config not found'),
    controlPlaneCommandLines: (component) =>
      answer('controlPlaneCommandLines', fake.state.commandLines?.[component], `no Pod labelled component=${component} in namespace kube-system`),
    calicoIPPools: () => answer('calicoIPPools', fake.state.calicoPools, 'Calico IPPool API (crd.projectcalico.org/v1 ippools) not found'),
    ciliumConfig: () => answer('ciliumConfig', fake.state.cilium, 'ConfigMap kube-system/cilium-config not found'),
    serviceCIDRObjects: () => answer('serviceCIDRObjects', fake.state.serviceCIDRs, 'ServiceCIDR API (networking.k8s.io/v1 servicecidrs) not found'),
  };
  return fake;
}
