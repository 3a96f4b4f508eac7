// SPDX-License-Identifier: Apache-2.0
// Deletes a SpiderEndpoint whose addresses GC released. Every step is guarded: the endpoint
// must still describe the same pod UID, the finalizer is dropped with a JSON patch that first
// tests the resourceVersion just read, and the delete carries the object's UID precondition.
import type { SpiderEndpoint } from '@spiderpool/crds';
import { FINALIZER } from '@spiderpool/crds';
import { isSpiderpoolError, SpiderpoolError } from '@spiderpool/errors';
import { Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import type { EndpointRemover } from '../ports.ts';

const ATTEMPTS = 5;

export class KubeEndpointRemover implements EndpointRemover {
  readonly #client: KubeClient;

  constructor(client: KubeClient) {
    this.#client = client;
  }

  async remove(namespace: string, name: string, podUid: string): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.#client.find<SpiderEndpoint & KubeObject>(Resources.endpoints, name, namespace);
      // Gone, or taken over by a newer incarnation of the pod: nothing of ours to delete.
      if (!current || current.status?.current.uid !== podUid) return;
      if (await this.#unfinalized(current)) {
        await this.#client.delete(Resources.endpoints, name, namespace, { uid: current.metadata?.uid ?? '' }).catch(notFoundIsDone);
        return;
      }
    }
    throw new SpiderpoolError('CONFLICT', `endpoint ${namespace}/${name} kept changing while GC removed it`, { retryable: true });
  }

  /** True once no finalizer of ours holds the object; false when it changed under us. */
  async #unfinalized(endpoint: SpiderEndpoint & KubeObject): Promise<boolean> {
    const finalizers = endpoint.metadata?.finalizers ?? [];
    if (!finalizers.includes(FINALIZER)) return true;
    const ops = [
      { op: 'test', path: '/metadata/resourceVersion', value: endpoint.metadata?.resourceVersion },
      { op: 'replace', path: '/metadata/finalizers', value: finalizers.filter((f) => f !== FINALIZER) },
    ];
    try {
      await this.#client.jsonPatch(Resources.endpoints, endpoint.metadata?.name ?? '', ops, endpoint.metadata?.namespace);
      return true;
    } catch (err) {
      if (isSpiderpoolError(err, 'NOT_FOUND')) return true;
      if (isSpiderpoolError(err, 'INVALID_INPUT') || isSpiderpoolError(err, 'CONFLICT')) return false;
      throw err;
    }
  }
}

function notFoundIsDone(err: unknown): void {
  // NOT_FOUND: already gone. CONFLICT: the UID precondition failed, a new object took the name.
  if (!isSpiderpoolError(err, 'NOT_FOUND') && !isSpiderpoolError(err, 'CONFLICT')) throw err;
}
