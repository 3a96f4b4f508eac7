// SPDX-License-Identifier: Apache-2.0
// SpiderCoordinators through the Kubernetes API. Status goes through the status subresource
// as a merge patch: the controller is the only writer of status (it runs on the leader only),
// so there is no compare-and-swap to lose, and a spec change in between is never overwritten.
import type { SpiderCoordinator, SpiderCoordinatorStatus } from '@spiderpool/crds';
import { Resources, type KubeClient } from '@spiderpool/k8s';
import type { CoordinatorStatusStore } from './coordinator-status-loop.ts';

export interface KubeCoordinatorStoreOptions {
  /** Only coordinators with these labels (tests share one API server with other tests). */
  labelSelector?: string;
}

export function kubeCoordinatorStore(client: KubeClient, options: KubeCoordinatorStoreOptions = {}): CoordinatorStatusStore {
  return {
    async list() {
      const list = await client.list<SpiderCoordinator>(Resources.coordinators, options.labelSelector ? { labelSelector: options.labelSelector } : {});
      return list.items;
    },
    async writeStatus(name, status: SpiderCoordinatorStatus) {
      // Arrays replace the stored ones whole; `reason: null` removes a reason left from NotReady.
      const patch = { status: { ...status, reason: status.reason ?? null } };
      await client.request('PATCH', client.path(Resources.coordinators, undefined, name, 'status'), patch, 'application/merge-patch+json');
    },
  };
}
