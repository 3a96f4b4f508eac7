// SPDX-License-Identifier: Apache-2.0
// ClusterReader over the Kubernetes API: cached reads come from the watch caches of the current
// leadership term, fresh reads are uncached GETs. Pools are always listed live.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { SpiderEndpoint, SpiderIPPool } from '@spiderpool/crds';
import { decodeAllocatedIPs } from '@spiderpool/ipam-domain';
import { Resources, type KubeClient, type KubeObject, type Reflector } from '@spiderpool/k8s';
import type { ClusterReader, PoolRecords, WorkloadKind } from '../ports.ts';

export interface WatchCaches {
  pods: Reflector<V1Pod & KubeObject>;
  nodes: Reflector<V1Node & KubeObject>;
  endpoints: Reflector<SpiderEndpoint & KubeObject>;
}

const WORKLOADS = {
  StatefulSet: Resources.statefulSets,
  VirtualMachine: Resources.virtualMachines,
  VirtualMachineInstance: Resources.virtualMachineInstances,
} as const;

export class KubeClusterReader implements ClusterReader {
  readonly #client: KubeClient;
  readonly #caches: WatchCaches;

  constructor(client: KubeClient, caches: WatchCaches) {
    this.#client = client;
    this.#caches = caches;
  }

  /**
   * Throws on a pool whose records cannot be decoded: skipping it would make its endpoints look
   * unbacked, and GC must not act on a partial picture.
   */
  async pools(): Promise<PoolRecords[]> {
    const list = await this.#client.list<SpiderIPPool & KubeObject>(Resources.ipPools);
    return list.items.map((p) => {
      const pool = p.metadata?.name ?? '';
      return { pool, records: decodeAllocatedIPs(p.status?.allocatedIPs, pool) };
    });
  }

  async endpoints(): Promise<SpiderEndpoint[]> {
    return (await this.#client.list<SpiderEndpoint & KubeObject>(Resources.endpoints)).items;
  }

  async pod(namespace: string, name: string, fresh: boolean): Promise<V1Pod | undefined> {
    if (!fresh) return this.#caches.pods.get(name, namespace);
    return this.#client.find<V1Pod & KubeObject>(Resources.pods, name, namespace);
  }

  async endpoint(namespace: string, name: string, fresh: boolean): Promise<SpiderEndpoint | undefined> {
    if (!fresh) return this.#caches.endpoints.get(name, namespace);
    return this.#client.find<SpiderEndpoint & KubeObject>(Resources.endpoints, name, namespace);
  }

  node(name: string): V1Node | undefined {
    return this.#caches.nodes.get(name);
  }

  /** A missing KubeVirt API (CRDs not installed) reads as "no such object". */
  async workload(kind: WorkloadKind, namespace: string, name: string): Promise<KubeObject | undefined> {
    return this.#client.find(WORKLOADS[kind], name, namespace);
  }
}
