// SPDX-License-Identifier: Apache-2.0
import type { SpiderEndpoint, SpiderReservedIP } from '@spiderpool/crds';
import { Reflector, Resources, type KubeClient, type KubeObject, type ResourceRef, type WatchEventType } from '@spiderpool/k8s';
import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';

type Obj<T> = T & KubeObject;

/**
 * Read side of the cluster for ipam-service: watch caches of the objects selection needs, with
 * live GETs on a miss (a pod created a moment ago may not be in the cache yet). Nothing here
 * decides anything; it only answers "what does the cluster say".
 */
export class ClusterView {
  readonly client: KubeClient;
  readonly pods: Reflector<Obj<V1Pod>>;
  readonly namespaces: Reflector<Obj<V1Namespace>>;
  readonly nodes: Reflector<Obj<V1Node>>;
  readonly reservedIPs: Reflector<Obj<SpiderReservedIP>>;
  readonly endpoints: Reflector<Obj<SpiderEndpoint>>;
  readonly #ownerCache = new Map<string, { kind: string; name: string; uid: string; apiVersion: string } | null>();
  readonly #podListeners = new Set<(type: WatchEventType, pod: Obj<V1Pod>) => void>();

  constructor(client: KubeClient, onError: (err: unknown) => void) {
    this.client = client;
    this.pods = new Reflector(client, Resources.pods, { onError, transform: slimPod, onEvent: (type, pod) => this.#podEvent(type, pod) });
    this.namespaces = new Reflector(client, Resources.namespaces, { onError, transform: slimMeta });
    this.nodes = new Reflector(client, Resources.nodes, { onError, transform: slimMeta });
    this.reservedIPs = new Reflector(client, Resources.reservedIPs, { onError });
    this.endpoints = new Reflector(client, Resources.endpoints, { onError });
  }

  async start(): Promise<void> {
    await Promise.all([this.pods, this.namespaces, this.nodes, this.reservedIPs, this.endpoints].map((r) => r.start()));
  }

  stop(): void {
    for (const r of [this.pods, this.namespaces, this.nodes, this.reservedIPs, this.endpoints]) r.stop();
  }

  /** Calls `listener` on every pod event of the cache (slim pods: metadata, node, phase). */
  onPodEvent(listener: (type: WatchEventType, pod: Obj<V1Pod>) => void): () => void {
    this.#podListeners.add(listener);
    return () => this.#podListeners.delete(listener);
  }

  #podEvent(type: WatchEventType, pod: Obj<V1Pod>): void {
    for (const listener of this.#podListeners) listener(type, pod);
  }

  pod(namespace: string, name: string): Promise<Obj<V1Pod> | undefined> {
    return this.#cachedOrLive(this.pods, Resources.pods, name, namespace);
  }

  /** Always asks the API server: for decisions that release addresses. */
  livePod(namespace: string, name: string): Promise<Obj<V1Pod> | undefined> {
    return this.client.find<Obj<V1Pod>>(Resources.pods, name, namespace);
  }

  namespace(name: string): Promise<Obj<V1Namespace> | undefined> {
    return this.#cachedOrLive(this.namespaces, Resources.namespaces, name);
  }

  node(name: string): Promise<Obj<V1Node> | undefined> {
    return this.#cachedOrLive(this.nodes, Resources.nodes, name);
  }

  endpoint(namespace: string, name: string): Obj<SpiderEndpoint> | undefined {
    return this.endpoints.get(name, namespace);
  }

  liveEndpoint(namespace: string, name: string): Promise<Obj<SpiderEndpoint> | undefined> {
    return this.client.find<Obj<SpiderEndpoint>>(Resources.endpoints, name, namespace);
  }

  /**
   * The endpoint recording this pod UID, found through the cache and read live. For when the
   * name does not lead there: a KubeVirt endpoint is named after the VM, not the launcher pod.
   */
  async liveEndpointOfPodUid(namespace: string, podUid: string): Promise<Obj<SpiderEndpoint> | undefined> {
    const cached = this.endpoints.list().find((e) => e.metadata?.namespace === namespace && e.status?.current.uid === podUid);
    return cached?.metadata?.name ? this.liveEndpoint(namespace, cached.metadata.name) : undefined;
  }

  /**
   * The pod's top controller: Pod→ReplicaSet→Deployment and Job→CronJob are followed, any
   * other owner kind (StatefulSet, VirtualMachineInstance, third-party) is used as is.
   */
  async topController(pod: Obj<V1Pod>): Promise<{ apiVersion: string; kind: string; name: string; uid: string }> {
    const ref = pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
    const self = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' };
    if (!ref) return self;
    const parentRef = ref.kind === 'ReplicaSet' ? Resources.replicaSets : ref.kind === 'Job' ? Resources.jobs : undefined;
    if (!parentRef) return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
    const parent = await this.#ownerOf(parentRef, pod.metadata?.namespace ?? '', ref.uid, ref.name);
    return parent ?? { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
  }

  /** Owners of ReplicaSets and Jobs never change: cache them by UID. */
  async #ownerOf(ref: ResourceRef, namespace: string, uid: string, name: string) {
    if (this.#ownerCache.has(uid)) return this.#ownerCache.get(uid) ?? undefined;
    const obj = await this.client.find<KubeObject>(ref, name, namespace);
    const owner = obj?.metadata?.ownerReferences?.find((o) => o.controller);
    const value = owner && (owner.kind === 'Deployment' || owner.kind === 'CronJob')
      ? { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid }
      : null;
    if (obj) this.#ownerCache.set(uid, value);
    return value ?? undefined;
  }

  async #cachedOrLive<T extends KubeObject>(reflector: Reflector<T>, ref: ResourceRef, name: string, namespace?: string): Promise<T | undefined> {
    return reflector.get(name, namespace) ?? (await this.client.find<T>(ref, name, namespace));
  }
}

/** What allocation reads of a pod: identity, labels, annotations, owners, node, lifecycle. */
function slimPod(pod: Obj<V1Pod>): Obj<V1Pod> {
  return {
    metadata: slimMetadata(pod),
    spec: { nodeName: pod.spec?.nodeName, restartPolicy: pod.spec?.restartPolicy, containers: [] },
    status: { phase: pod.status?.phase, reason: pod.status?.reason },
  } as Obj<V1Pod>;
}

/** Namespaces and nodes: only labels and annotations matter (affinity, default pools). */
function slimMeta<T extends KubeObject>(obj: T): T {
  return { metadata: slimMetadata(obj) } as T;
}

function slimMetadata(obj: KubeObject): NonNullable<KubeObject['metadata']> {
  const m = obj.metadata ?? {};
  return {
    name: m.name,
    namespace: m.namespace,
    uid: m.uid,
    resourceVersion: m.resourceVersion,
    creationTimestamp: m.creationTimestamp,
    labels: m.labels,
    annotations: m.annotations,
    ownerReferences: m.ownerReferences,
    deletionTimestamp: m.deletionTimestamp,
  };
}
