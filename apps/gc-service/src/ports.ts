// SPDX-License-Identifier: Apache-2.0
// What the GC needs from the outside world, as interfaces: the Kubernetes adapter and the
// ipam-service client implement them in production, small in-memory fakes in unit tests.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { SpiderEndpoint } from '@spiderpool/crds';
import type { AllocationRecord } from '@spiderpool/ipam-domain';
import type { KubeObject } from '@spiderpool/k8s';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface PoolRecords {
  pool: string;
  /** ip → record, as decoded from `status.allocatedIPs`. */
  records: ReadonlyMap<string, AllocationRecord>;
}

/** Workloads whose validity decides whether a fixed IP stays. */
export type WorkloadKind = 'StatefulSet' | 'VirtualMachine' | 'VirtualMachineInstance';

/**
 * Cluster reads. `fresh` asks for a live GET that bypasses every cache: a release is decided
 * on cached reads but only carried out after the same decision holds on fresh ones.
 */
export interface ClusterReader {
  /** Every pool's records, listed live. */
  pools(): Promise<PoolRecords[]>;
  /** Every SpiderEndpoint, listed live. */
  endpoints(): Promise<SpiderEndpoint[]>;
  pod(namespace: string, name: string, fresh: boolean): Promise<V1Pod | undefined>;
  endpoint(namespace: string, name: string, fresh: boolean): Promise<SpiderEndpoint | undefined>;
  /** The cached node; undefined when the cache does not know it (its state is then unknown). */
  node(name: string): V1Node | undefined;
  /** A live GET of a fixed-IP owner; undefined when it does not exist. */
  workload(kind: WorkloadKind, namespace: string, name: string): Promise<KubeObject | undefined>;
}

export interface ReleaseRequest {
  pod: PodRef;
  /** Exactly these records; ipam-service frees each only if the pool still records it for pod.uid. */
  expected: Array<{ pool: string; ip: string }>;
  /**
   * Then delete the pod's SpiderEndpoint, which ipam-service does only while it names pod.uid
   * and no pool records any of its addresses for pod.uid (with no expected records: an endpoint
   * that backs nothing).
   */
  removeEndpoint?: boolean;
}

export interface ReleaseResult {
  released: Array<{ pool: string; ip: string }>;
  kept: boolean;
  keptReason: string;
  endpointRemoved: boolean;
}

/** ipam-service's Release RPC with reason GC: the only way GC changes pool state. */
export interface IpamReleaser {
  release(request: ReleaseRequest): Promise<ReleaseResult>;
}
