// SPDX-License-Identifier: Apache-2.0
// What node-agent reads from the cluster, from watch caches: the SpiderCoordinator, the pods of
// this node (annotations only) and this node (its InternalIPs). A pod created a moment ago may
// not be in the cache yet: a miss falls back to a live GET.
import type { SpiderCoordinator } from '@spiderpool/crds';
import { Reflector, Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CoordinatorClusterPort } from '../coordinator/coordinator-plugin.ts';

type Obj<T> = T & KubeObject;

export class NodeView implements CoordinatorClusterPort {
  readonly #client: KubeClient;
  readonly #coordinators: Reflector<Obj<SpiderCoordinator>>;
  readonly #pods: Reflector<Obj<V1Pod>>;
  readonly #node: Reflector<Obj<V1Node>>;

  constructor(client: KubeClient, nodeName: string, onError: (err: unknown) => void) {
    this.#client = client;
    this.#coordinators = new Reflector(client, Resources.coordinators, { onError });
    this.#pods = new Reflector(client, Resources.pods, { onError, fieldSelector: `spec.nodeName=${nodeName}`, transform: slimPod });
    this.#node = new Reflector(client, Resources.nodes, { onError, fieldSelector: `metadata.name=${nodeName}`, transform: slimNode });
  }

  async start(): Promise<void> {
    await Promise.all([this.#coordinators.start(), this.#pods.start(), this.#node.start()]);
  }

  stop(): void {
    for (const r of [this.#coordinators, this.#pods, this.#node]) r.stop();
  }

  /** `default` when it exists, else the first one (upstream reads items[0]). */
  coordinator(): SpiderCoordinator | undefined {
    const all = this.#coordinators.list();
    return all.find((c) => c.metadata?.name === 'default') ?? all[0];
  }

  async podAnnotations(namespace: string, name: string): Promise<Readonly<Record<string, string>> | undefined> {
    const pod = this.#pods.get(name, namespace) ?? (await this.#client.find<Obj<V1Pod>>(Resources.pods, name, namespace));
    return pod?.metadata?.annotations ?? undefined;
  }

  nodeIps(): string[] {
    const node = this.#node.list()[0];
    return (node?.status?.addresses ?? []).filter((a) => a.type === 'InternalIP').map((a) => a.address);
  }
}

function slimPod(pod: Obj<V1Pod>): Obj<V1Pod> {
  const m = pod.metadata ?? {};
  return { metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, annotations: m.annotations } } as Obj<V1Pod>;
}

function slimNode(node: Obj<V1Node>): Obj<V1Node> {
  const m = node.metadata ?? {};
  return { metadata: { name: m.name, resourceVersion: m.resourceVersion }, status: { addresses: node.status?.addresses ?? [] } } as Obj<V1Node>;
}
