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
  async upsert(owner: EndpointOwner, nics: IPAllocationDetail[], fixed: boolean, takeOverUid?: string): Promise<{ endpoint: EndpointObject } | { stale: EndpointObject }> {
    // Start from the cache: an update against a stale resourceVersion just costs one retry.
    let current: EndpointObject | undefined = this.#view.endpoint(owner.namespace, owner.name);
    let tryCreate = !current;
    for (let attempt = 0; attempt < 8; attempt++) {
      if (tryCreate) {
        const created = await this.#create(owner, nics);
        if (created) return { endpoint: created };
      }
      current ??= await this.#client.find<EndpointObject>(Resources.endpoints, owner.name, owner.namespace);
      tryCreate = !current;
      if (!current) continue;
      const currentUid = current.status?.current.uid;
      if (dyingPredecessor(current, owner, fixed || currentUid === takeOverUid)) {
        // Being deleted (its owner pod is gone): a deletion cannot be undone, so finish it
        // (drop the finalizer) and create the endpoint afresh instead of taking it over.
        await this.remove(owner.namespace, owner.name, currentUid ?? '');
        current = undefined;
        tryCreate = true;
        continue;
      }
      const takeOver = !fixed && currentUid !== owner.podUid && currentUid === takeOverUid;
      if (!fixed && currentUid !== owner.podUid && !takeOver) return { stale: current };
      const merged = await this.#merge(owner, nics, takeOver ? handedOver(current, owner) : current);
      if (merged === 'gone') tryCreate = true;
      else if (merged) return { endpoint: merged };
      current = undefined;
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

  /** The merged endpoint; undefined when it changed meanwhile, `gone` when it was deleted. */
  async #merge(owner: EndpointOwner, nics: IPAllocationDetail[], current: EndpointObject): Promise<EndpointObject | 'gone' | undefined> {
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
      if (isSpiderpoolError(err, 'NOT_FOUND')) return 'gone';
      if (isSpiderpoolError(err, 'CONFLICT')) return undefined;
      throw err;
    }
  }

  /**
   * Removes the finalizer, then deletes — only while the endpoint still belongs to `podUid`.
   * A DEL and the ADD of a same-name successor may race here; a lost update is re-read.
   */
  async remove(namespace: string, name: string, podUid: string): Promise<void> {
    if (await this.#removeFromCache(namespace, name, podUid)) return;
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await this.#client.find<EndpointObject>(Resources.endpoints, name, namespace);
      if (!current || current.status?.current.uid !== podUid) return;
      if (await this.#dropFinalizer(current)) {
        await this.#client.delete(Resources.endpoints, name, namespace, current.metadata?.uid ? { uid: current.metadata.uid } : {}).catch(ignoreGone);
        return;
      }
    }
    throw new SpiderpoolError('CONFLICT', `endpoint ${namespace}/${name} kept changing while being removed; retry`, { retryable: true });
  }

  /** Drops one NIC's entry (its addresses were released); the endpoint stays for the other NICs. */
  async removeNic(o: { namespace: string; name: string; podUid: string; nic: string }): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await this.#client.find<EndpointObject>(Resources.endpoints, o.name, o.namespace);
      const status = current?.status;
      if (!current || !status || status.current.uid !== o.podUid) return;
      const ips = status.current.ips.filter((n) => n.interface !== o.nic);
      try {
        this.#observe(await this.#client.update<EndpointObject>(Resources.endpoints, { ...current, status: { ...status, current: { ...status.current, ips } } }));
        return;
      } catch (err) {
        if (isSpiderpoolError(err, 'NOT_FOUND')) return;
        if (!isSpiderpoolError(err, 'CONFLICT')) throw err;
      }
    }
    throw new SpiderpoolError('CONFLICT', `endpoint ${o.namespace}/${o.name} kept changing while dropping ${o.nic}; retry`, { retryable: true });
  }

  /**
   * The cheap path: one JSON patch that removes the finalizer only if the endpoint still
   * belongs to `podUid` (a `test` operation), then the delete. False when the cache was wrong.
   */
  async #removeFromCache(namespace: string, name: string, podUid: string): Promise<boolean> {
    const cached = this.#view.endpoint(namespace, name);
    const index = cached?.metadata?.finalizers?.indexOf(FINALIZER) ?? -1;
    if (!cached || cached.status?.current.uid !== podUid || index < 0) return false;
    try {
      const patched = await this.#client.jsonPatch<EndpointObject>(Resources.endpoints, name, [
        { op: 'test', path: '/status/current/uid', value: podUid },
        { op: 'test', path: `/metadata/finalizers/${index}`, value: FINALIZER },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ], namespace);
      // Already being deleted (e.g. by the garbage collector): dropping the finalizer finished it.
      if (!patched.metadata?.deletionTimestamp) {
        await this.#client.delete(Resources.endpoints, name, namespace, patched.metadata?.uid ? { uid: patched.metadata.uid } : {}).catch(ignoreGone);
      }
      return true;
    } catch (err) {
      if (isSpiderpoolError(err, 'INVALID_INPUT') || isSpiderpoolError(err, 'CONFLICT')) return false;
      if (isSpiderpoolError(err, 'NOT_FOUND')) return true;
      throw err;
    }
  }

  /** True when the finalizer is gone (or was never there); false when another writer won. */
  async #dropFinalizer(current: EndpointObject): Promise<boolean> {
    if (!current.metadata?.finalizers?.includes(FINALIZER)) return true;
    const finalizers = current.metadata.finalizers.filter((f) => f !== FINALIZER);
    try {
      await this.#client.update<EndpointObject>(Resources.endpoints, { ...current, metadata: { ...current.metadata, finalizers } });
      return true;
    } catch (err) {
      if (isSpiderpoolError(err, 'NOT_FOUND')) return true;
      if (isSpiderpoolError(err, 'CONFLICT')) return false;
      throw err;
    }
  }

  #observe(endpoint: EndpointObject): EndpointObject {
    this.#view.endpoints.observe(endpoint);
    return endpoint;
  }
}

/** An earlier pod's endpoint that is being deleted and that this owner may replace. */
function dyingPredecessor(current: EndpointObject, owner: EndpointOwner, mayReplace: boolean): boolean {
  return Boolean(current.metadata?.deletionTimestamp) && current.status?.current.uid !== owner.podUid && mayReplace;
}

/** The earlier pod's endpoint, emptied and owned by the new pod, ready to be merged into. */
function handedOver(current: EndpointObject, owner: EndpointOwner): EndpointObject {
  return { ...current, metadata: { ...current.metadata, ownerReferences: podOwner(owner) }, status: undefined };
}

function podOwner(owner: EndpointOwner): Array<{ apiVersion: string; kind: string; name: string; uid: string }> {
  return [{ apiVersion: 'v1', kind: 'Pod', name: owner.podName, uid: owner.podUid }];
}

function ignoreGone(err: unknown): void {
  if (!isSpiderpoolError(err, 'NOT_FOUND') && !isSpiderpoolError(err, 'CONFLICT')) throw err;
}

function newEndpoint(owner: EndpointOwner, nics: IPAllocationDetail[]): EndpointObject {
  return {
    apiVersion: API_VERSION,
    kind: 'SpiderEndpoint',
    metadata: {
      name: owner.name,
      namespace: owner.namespace,
      finalizers: [FINALIZER],
      ...(owner.ownedByPod ? { ownerReferences: podOwner(owner) } : {}),
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
