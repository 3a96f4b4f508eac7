// SPDX-License-Identifier: Apache-2.0
import { API_VERSION, FINALIZER, type IPAllocationDetail, type SpiderEndpoint } from '@spiderpool/crds';
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import { Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import type { ClusterView } from '../k8s/cluster-view.ts';

export type EndpointObject = SpiderEndpoint & KubeObject;

export interface EndpointOwner {
  namespace: string;
  /** Endpoint name: the pod name, or the VM name for KubeVirt. */
  name: string;
  podUid: string;
  podName: string;
  node: string;
  ownerKind: string;
  ownerName: string;
  /** Stateless pods: the endpoint is garbage-collected with the pod. Fixed-IP kinds: none. */
  ownedByPod: boolean;
}

/**
 * The pod's view of its addresses (SpiderEndpoint), written after the pool records. It carries
 * the finalizer so that it cannot vanish while the pool still records addresses for it; the
 * GC reconciles the two halves if a crash separates them.
 */
export class EndpointStore {
  readonly #client: KubeClient;
  readonly #view: ClusterView;

  constructor(client: KubeClient, view: ClusterView) {
    this.#client = client;
    this.#view = view;
  }

  /**
   * Creates the endpoint, or merges these NICs into the existing one of the same pod UID.
   * Races with a concurrent DEL of an earlier pod of the same name are expected (mass
   * re-creation): a vanished endpoint is created again, a lost update is retried, and an
   * endpoint that still belongs to another (stateless) pod UID is handed back as `stale` for
   * the caller to release first. Fixed-IP endpoints are taken over by the new UID.
   */
  async upsert(owner: EndpointOwner, nics: IPAllocationDetail[], fixed: boolean): Promise<{ endpoint: EndpointObject } | { stale: EndpointObject }> {
    let tryCreate = !this.#view.endpoint(owner.namespace, owner.name);
    for (let attempt = 0; attempt < 8; attempt++) {
      if (tryCreate) {
        const created = await this.#create(owner, nics);
        if (created) return { endpoint: created };
      }
      const current = await this.#client.find<EndpointObject>(Resources.endpoints, owner.name, owner.namespace);
      tryCreate = !current;
      if (!current) continue;
      if (!fixed && current.status?.current.uid !== owner.podUid) return { stale: current };
      const updated = await this.#merge(owner, nics, current);
      if (updated) return { endpoint: updated };
    }
    throw new SpiderpoolError('CONFLICT', `endpoint ${owner.namespace}/${owner.name} kept changing; retry`, { retryable: true });
  }

  /** The created endpoint, or undefined when one already exists. */
  async #create(owner: EndpointOwner, nics: IPAllocationDetail[]): Promise<EndpointObject | undefined> {
    try {
      return this.#observe(await this.#client.create<EndpointObject>(Resources.endpoints, newEndpoint(owner, nics)));
    } catch (err) {
      if (isSpiderpoolError(err, 'ALREADY_EXISTS')) return undefined;
      throw err;
    }
  }

  /** The merged endpoint, or undefined when it changed or vanished meanwhile. */
  async #merge(owner: EndpointOwner, nics: IPAllocationDetail[], current: EndpointObject): Promise<EndpointObject | undefined> {
    const next: EndpointObject = {
      ...current,
      status: {
        ...current.status,
        current: { uid: owner.podUid, node: owner.node, ips: mergeNics(current.status?.current.ips ?? [], nics) },
        ownerControllerType: owner.ownerKind,
        ownerControllerName: owner.ownerName,
      },
    };
    try {
      return this.#observe(await this.#client.update<EndpointObject>(Resources.endpoints, next));
    } catch (err) {
      if (isSpiderpoolError(err, 'CONFLICT') || isSpiderpoolError(err, 'NOT_FOUND')) return undefined;
      throw err;
    }
  }

  /** Removes the finalizer, then deletes — only if the endpoint still belongs to `podUid`. */
  async remove(namespace: string, name: string, podUid: string): Promise<void> {
    const current = await this.#client.find<EndpointObject>(Resources.endpoints, name, namespace);
    if (!current || current.status?.current.uid !== podUid) return;
    if (current.metadata?.finalizers?.includes(FINALIZER)) {
      const finalizers = current.metadata.finalizers.filter((f) => f !== FINALIZER);
      await this.#client.update<EndpointObject>(Resources.endpoints, { ...current, metadata: { ...current.metadata, finalizers } });
    }
    await this.#client.delete(Resources.endpoints, name, namespace, current.metadata?.uid ? { uid: current.metadata?.uid } : {}).catch((err: unknown) => {
      if (!isSpiderpoolError(err, 'NOT_FOUND') && !isSpiderpoolError(err, 'CONFLICT')) throw err;
    });
  }

  #observe(endpoint: EndpointObject): EndpointObject {
    this.#view.endpoints.observe(endpoint);
    return endpoint;
  }
}

function newEndpoint(owner: EndpointOwner, nics: IPAllocationDetail[]): EndpointObject {
  return {
    apiVersion: API_VERSION,
    kind: 'SpiderEndpoint',
    metadata: {
      name: owner.name,
      namespace: owner.namespace,
      finalizers: [FINALIZER],
      ...(owner.ownedByPod
        ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: owner.podName, uid: owner.podUid }] }
        : {}),
    },
    status: {
      current: { uid: owner.podUid, node: owner.node, ips: nics },
      ownerControllerType: owner.ownerKind,
      ownerControllerName: owner.ownerName,
    },
  };
}

/** NIC entries by interface name: new entries replace old ones of the same NIC. */
function mergeNics(current: IPAllocationDetail[], incoming: IPAllocationDetail[]): IPAllocationDetail[] {
  const byNic = new Map(current.map((n) => [n.interface, n]));
  for (const n of incoming) byNic.set(n.interface, n);
  return [...byNic.values()];
}
