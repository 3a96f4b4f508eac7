// SPDX-License-Identifier: Apache-2.0
// NadApi on the Kubernetes API: live reads and compare-and-swap writes of
// NetworkAttachmentDefinitions, each result also put into the watch cache so the next
// reconcile does not act on a version it already replaced.
import type { NetworkAttachmentDefinition } from '@spiderpool/crds';
import { isSpiderpoolError } from '@spiderpool/errors';
import { Resources, type KubeClient, type Reflector } from '@spiderpool/k8s';
import type { NadApi } from './nad-reconciler.ts';

type Nad = NetworkAttachmentDefinition;
const ref = Resources.networkAttachmentDefinitions;

export function kubeNadApi(client: KubeClient, cache: Reflector<Nad>): NadApi {
  return {
    find: (namespace, name) => client.find<Nad>(ref, name, namespace),
    async create(nad) {
      const created = await client.create<Nad>(ref, nad);
      cache.observe(created);
      return created;
    },
    async update(nad) {
      const updated = await client.update<Nad>(ref, nad);
      cache.observe(updated);
      return updated;
    },
    async delete(namespace, name, uid) {
      try {
        await client.delete(ref, name, namespace, uid ? { uid } : {});
      } catch (err) {
        // Gone already, or replaced by a newer object with another uid: nothing of ours to delete.
        if (isSpiderpoolError(err, 'NOT_FOUND') || isSpiderpoolError(err, 'CONFLICT')) return;
        throw err;
      }
    },
  };
}
