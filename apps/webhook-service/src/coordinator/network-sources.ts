// SPDX-License-Identifier: Apache-2.0
// The port through which the status controller reads the cluster's network ranges. Kubernetes
// implements it in kube-network-sources.ts; unit tests use an in-memory fake.
import type { CalicoIPPool } from './calico-pools.ts';

/**
 * A source's answer. `ok: false` means the source does not exist or cannot be read (ConfigMap
 * absent, CRD not installed, access forbidden) and says so in `reason`, which ends up in the
 * status. A request that failed for a passing reason (timeout, 5xx) throws instead: the
 * controller then writes nothing and retries, so a blip never turns a coordinator NotReady.
 */
export type Sourced<T> = { ok: true; value: T } | { ok: false; reason: string };

export const found = <T>(value: T): Sourced<T> => ({ ok: true, value });
export const missing = <T>(reason: string): Sourced<T> => ({ ok: false, reason });

export type ControlPlaneComponent = 'kube-controller-manager' | 'kube-apiserver';

export interface ServiceCIDRObject {
  metadata?: { name?: string; deletionTimestamp?: unknown };
  spec?: { cidrs?: unknown };
}

export interface ClusterNetworkSources {
  /** The `ClusterConfiguration` text of the kubeadm-config ConfigMap. */
  kubeadmClusterConfiguration(): Promise<Sourced<string>>;
  /** Command lines of the containers of the component's Pods (static pods of kubeadm clusters). */
  controlPlaneCommandLines(component: ControlPlaneComponent): Promise<Sourced<string[][]>>;
  /** Calico IPPool objects; `ok: false` when the Calico CRD is not installed. */
  calicoIPPools(): Promise<Sourced<CalicoIPPool[]>>;
  /** The data of the cilium-config ConfigMap. */
  ciliumConfig(): Promise<Sourced<Record<string, string>>>;
  /** networking.k8s.io ServiceCIDR objects; `ok: false` when the API server does not serve them. */
  serviceCIDRObjects(): Promise<Sourced<ServiceCIDRObject[]>>;
}

/**
 * Reads each source at most once: one pass evaluates every SpiderCoordinator against the same
 * snapshot, and a second read could only make two coordinators disagree.
 */
export function readOnce(sources: ClusterNetworkSources): ClusterNetworkSources {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as Promise<T>;
  };
  return {
    kubeadmClusterConfiguration: () => once('kubeadm', () => sources.kubeadmClusterConfiguration()),
    controlPlaneCommandLines: (component) => once(`pods/${component}`, () => sources.controlPlaneCommandLines(component)),
    calicoIPPools: () => once('calico', () => sources.calicoIPPools()),
    ciliumConfig: () => once('cilium', () => sources.ciliumConfig()),
    serviceCIDRObjects: () => once('servicecidrs', () => sources.serviceCIDRObjects()),
  };
}
